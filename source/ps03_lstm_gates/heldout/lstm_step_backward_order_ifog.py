"""Splits the four gate blocks in the order i, f, o, g (as some textbooks do) instead of PyTorch's i, f, g, o, in the forward and the backward pass."""

MISTAKE = "gate order i, f, o, g instead of i, f, g, o"
EXPECT = {"lose": ["lstm_step_backward"]}
CELLS = {
    "lstm_step_backward": '''def lstm_step_backward(x, h, c, W_ih, W_hh, b_ih, b_hh, grad_h_new, grad_c_new):
    """One LSTM step and its backward pass by hand. Returns (h_new, c_new, grads)."""
    gates = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh
    H = h.shape[1]
    i = torch.sigmoid(gates[:, :H])
    f = torch.sigmoid(gates[:, H:2 * H])
    o = torch.sigmoid(gates[:, 2 * H:3 * H])
    g = torch.tanh(gates[:, 3 * H:])
    c_new = f * c + i * g
    th = torch.tanh(c_new)
    h_new = o * th
    dc = grad_c_new + grad_h_new * o * (1 - th * th)
    dzi = dc * g * i * (1 - i)
    dzf = dc * c * f * (1 - f)
    dzo = grad_h_new * th * o * (1 - o)
    dzg = dc * i * (1 - g * g)
    dz = torch.cat([dzi, dzf, dzo, dzg], dim=1)
    grads = {"x": dz @ W_ih, "h": dz @ W_hh, "c": dc * f,
             "W_ih": dz.T @ x, "W_hh": dz.T @ h, "b_ih": dz.sum(0), "b_hh": dz.sum(0)}
    return h_new, c_new, grads
'''
}
