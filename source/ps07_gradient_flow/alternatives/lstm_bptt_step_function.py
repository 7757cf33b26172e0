"""Exercise 4, right, written differently: problem set 03's one-step backward pass kept as a helper
that takes the gradients reaching h_t and c_t and returns those for h_(t-1) and c_(t-1) with the
step's share of each parameter's; the sequence is a loop that calls it from the last step back,
the forward values recomputed from the states kept."""

EXPECT = {"full": True}
CELLS = {
    "lstm_sequence_grads": """
def _gates(x_t, h, W_ih, W_hh, b_ih, b_hh):
    i, f, g, o = (x_t @ W_ih.T + b_ih + h @ W_hh.T + b_hh).chunk(4, dim=1)
    return torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)


def _step_back(x_t, h, c, W_ih, W_hh, b_ih, b_hh, grad_h_new, grad_c_new):
    i, f, g, o = _gates(x_t, h, W_ih, W_hh, b_ih, b_hh)
    c_new = f * c + i * g
    grad_c = grad_c_new + grad_h_new * o * (1 - torch.tanh(c_new) ** 2)
    dz = torch.cat([grad_c * g * i * (1 - i), grad_c * c * f * (1 - f), grad_c * i * (1 - g * g),
                    grad_h_new * torch.tanh(c_new) * o * (1 - o)], dim=1)
    return dz @ W_ih, dz @ W_hh, grad_c * f, dz.T @ x_t, dz.T @ h, dz.sum(0)


def lstm_sequence_grads(x, h0, c0, W_ih, W_hh, b_ih, b_hh, grad_output):
    hs, cs = [h0], [c0]
    for x_t in x:
        i, f, g, o = _gates(x_t, hs[-1], W_ih, W_hh, b_ih, b_hh)
        cs.append(f * cs[-1] + i * g)
        hs.append(o * torch.tanh(cs[-1]))
    dxs = []
    dW_ih, dW_hh, db = 0 * W_ih, 0 * W_hh, 0 * b_ih
    grad_h, grad_c = 0 * h0, 0 * c0
    for t in reversed(range(x.shape[0])):
        dx, grad_h, grad_c, a, b, c = _step_back(x[t], hs[t], cs[t], W_ih, W_hh, b_ih, b_hh,
                                                 grad_output[t] + grad_h, grad_c)
        dxs.insert(0, dx)
        dW_ih, dW_hh, db = dW_ih + a, dW_hh + b, db + c
    return {"x": torch.stack(dxs), "h0": grad_h, "c0": grad_c, "W_ih": dW_ih, "W_hh": dW_hh,
            "b_ih": db, "b_hh": db.clone()}
"""
}
