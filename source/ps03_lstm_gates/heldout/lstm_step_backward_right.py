"""Correct: forward in the order i, f, g, o; backward with both paths into c_new."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "lstm_step_backward": '''def lstm_step_backward(x, h, c, W_ih, W_hh, b_ih, b_hh, grad_h_new, grad_c_new):
    """One LSTM step and its backward pass by hand. Returns (h_new, c_new, grads)."""
    z = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh
    z_i, z_f, z_g, z_o = z.chunk(4, dim=1)
    i = torch.sigmoid(z_i)
    f = torch.sigmoid(z_f)
    g = torch.tanh(z_g)
    o = torch.sigmoid(z_o)
    c_new = f * c + i * g
    tanh_c = torch.tanh(c_new)
    h_new = o * tanh_c

    # backward
    d_c = grad_c_new + grad_h_new * o * (1 - tanh_c ** 2)
    d_o = grad_h_new * tanh_c
    d_i = d_c * g
    d_f = d_c * c
    d_g = d_c * i
    d_c_prev = d_c * f
    dz = torch.cat([d_i * i * (1 - i), d_f * f * (1 - f), d_g * (1 - g ** 2), d_o * o * (1 - o)], dim=1)
    grads = {
        "x": dz @ W_ih,
        "h": dz @ W_hh,
        "c": d_c_prev,
        "W_ih": dz.T @ x,
        "W_hh": dz.T @ h,
        "b_ih": dz.sum(dim=0),
        "b_hh": dz.sum(dim=0),
    }
    return h_new, c_new, grads
'''
}
