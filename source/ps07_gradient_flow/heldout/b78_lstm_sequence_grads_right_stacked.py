"""A right answer, written with chunk/addmm forward and the parameter gradients from stacked pre-activation gradients (einsum)."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "lstm_sequence_grads": '''def lstm_sequence_grads(x, h0, c0, W_ih, W_hh, b_ih, b_hh, grad_output):
    """The gradients of L = sum over t of (grad_output[t] * h_(t+1)).sum() with respect to x, h0, c0,
    W_ih, W_hh, b_ih and b_hh, for a one-layer LSTM, without autograd. Returns a dict."""
    # forward: keep every state and gate, stacked over time at the end
    hs, cs, gates = [h0], [c0], []
    for x_t in x:
        z = torch.addmm(b_ih + b_hh, x_t, W_ih.t()) + hs[-1] @ W_hh.t()
        zi, zf, zg, zo = z.chunk(4, dim=1)
        i, f, g, o = zi.sigmoid(), zf.sigmoid(), zg.tanh(), zo.sigmoid()
        cs.append(f * cs[-1] + i * g)
        hs.append(o * cs[-1].tanh())
        gates.append((i, f, g, o))
    # backward: the pre-activation gradient of every step, then the parameters all at once
    dzs = [None] * len(gates)
    dh = torch.zeros_like(h0)
    dc = torch.zeros_like(c0)
    for t in range(len(gates) - 1, -1, -1):
        i, f, g, o = gates[t]
        tanh_c = cs[t + 1].tanh()
        dh = dh + grad_output[t]
        dc = dc + dh * o * (1 - tanh_c * tanh_c)
        dzs[t] = torch.cat((dc * g * i * (1 - i), dc * cs[t] * f * (1 - f), dc * i * (1 - g * g),
                            dh * tanh_c * o * (1 - o)), dim=1)
        dh = dzs[t] @ W_hh
        dc = dc * f
    dZ = torch.stack(dzs)                       # (T, B, 4H)
    H_prev = torch.stack(hs[:-1])               # (T, B, H): the state each step read
    d_bias = dZ.sum(dim=(0, 1))
    return {
        "x": dZ @ W_ih,
        "h0": dh,
        "c0": dc,
        "W_ih": torch.einsum("tbk,tbi->ki", dZ, x),
        "W_hh": torch.einsum("tbk,tbj->kj", dZ, H_prev),
        "b_ih": d_bias,
        "b_hh": d_bias.clone(),
    }
'''
}
