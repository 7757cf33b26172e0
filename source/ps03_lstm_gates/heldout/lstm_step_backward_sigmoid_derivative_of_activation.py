"""Defines the sigmoid derivative as a function of the pre-activation, sigmoid(z) * (1 - sigmoid(z)), but calls it on the gate values i, f, o (already squashed), so the sigmoid is applied twice."""

MISTAKE = "sigmoid derivative evaluated at the gate value instead of the pre-activation"
EXPECT = {"lose": ["lstm_step_backward"]}
CELLS = {
    "lstm_step_backward": '''def lstm_step_backward(x, h, c, W_ih, W_hh, b_ih, b_hh, grad_h_new, grad_c_new):
    """One LSTM step and its backward pass by hand. Returns (h_new, c_new, grads)."""
    def dsigmoid(z):
        s = torch.sigmoid(z)
        return s * (1 - s)

    def dtanh(t):
        return 1 - t ** 2

    hidden = h.shape[-1]
    pre = x @ W_ih.t() + b_ih + h @ W_hh.t() + b_hh
    i = torch.sigmoid(pre[:, 0:hidden])
    f = torch.sigmoid(pre[:, hidden:2 * hidden])
    g = torch.tanh(pre[:, 2 * hidden:3 * hidden])
    o = torch.sigmoid(pre[:, 3 * hidden:4 * hidden])
    c_new = f * c + i * g
    h_new = o * torch.tanh(c_new)

    dc_new = grad_c_new + grad_h_new * o * dtanh(torch.tanh(c_new))
    d_pre_i = dc_new * g * dsigmoid(i)
    d_pre_f = dc_new * c * dsigmoid(f)
    d_pre_g = dc_new * i * dtanh(g)
    d_pre_o = grad_h_new * torch.tanh(c_new) * dsigmoid(o)
    d_pre = torch.cat((d_pre_i, d_pre_f, d_pre_g, d_pre_o), dim=1)
    grads = dict(x=d_pre @ W_ih, h=d_pre @ W_hh, c=dc_new * f,
                 W_ih=d_pre.t() @ x, W_hh=d_pre.t() @ h,
                 b_ih=d_pre.sum(0), b_hh=d_pre.sum(0))
    return h_new, c_new, grads
'''
}
