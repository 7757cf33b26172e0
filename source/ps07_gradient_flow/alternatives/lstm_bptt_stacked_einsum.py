"""Exercise 4, right, written differently: the forward pass's gates kept as whole (T, batch, hidden)
tensors, the loop back filling one (T, batch, 4 * hidden) tensor of pre-activation gradients, and
the gradients of x and of the weights summed over steps and batch at once with einsum."""

EXPECT = {"full": True}
CELLS = {
    "lstm_sequence_grads": """
def lstm_sequence_grads(x, h0, c0, W_ih, W_hh, b_ih, b_hh, grad_output):
    T, H = x.shape[0], h0.shape[1]
    gates, hs, cs = [], [h0], [c0]
    for t in range(T):
        z = x[t] @ W_ih.T + b_ih + hs[-1] @ W_hh.T + b_hh
        act = torch.cat([torch.sigmoid(z[:, :2 * H]), torch.tanh(z[:, 2 * H:3 * H]), torch.sigmoid(z[:, 3 * H:])], 1)
        gates.append(act)
        cs.append(act[:, H:2 * H] * cs[-1] + act[:, :H] * act[:, 2 * H:3 * H])
        hs.append(act[:, 3 * H:] * torch.tanh(cs[-1]))
    A, C, Hs = torch.stack(gates), torch.stack(cs), torch.stack(hs)      # C[t] and Hs[t] are c_t and h_t
    i, f, g, o = A[..., :H], A[..., H:2 * H], A[..., 2 * H:3 * H], A[..., 3 * H:]
    tc = torch.tanh(C[1:])
    dZ = torch.empty_like(A)
    back_h, back_c = torch.zeros_like(h0), torch.zeros_like(c0)
    for t in range(T - 1, -1, -1):
        gh = grad_output[t] + back_h
        gc = back_c + gh * o[t] * (1 - tc[t] * tc[t])
        dZ[t] = torch.cat([gc * g[t] * i[t] * (1 - i[t]), gc * C[t] * f[t] * (1 - f[t]),
                           gc * i[t] * (1 - g[t] * g[t]), gh * tc[t] * o[t] * (1 - o[t])], 1)
        back_h, back_c = dZ[t] @ W_hh, gc * f[t]
    bias = dZ.sum(dim=(0, 1))
    return {"x": torch.einsum("tbk,ki->tbi", dZ, W_ih), "h0": back_h, "c0": back_c,
            "W_ih": torch.einsum("tbk,tbi->ki", dZ, x), "W_hh": torch.einsum("tbk,tbj->kj", dZ, Hs[:-1]),
            "b_ih": bias, "b_hh": bias.clone()}
"""
}
