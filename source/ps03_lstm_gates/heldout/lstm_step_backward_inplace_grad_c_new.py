"""Accumulates the gradient from h_new into grad_c_new with +=, which changes the caller's grad_c_new tensor in place (the results themselves are right)."""

MISTAKE = "modifies the caller's grad_c_new in place (+=)"
EXPECT = {"lose": ["lstm_step_backward"]}
CELLS = {
    "lstm_step_backward": '''def lstm_step_backward(x, h, c, W_ih, W_hh, b_ih, b_hh, grad_h_new, grad_c_new):
    """One LSTM step and its backward pass by hand. Returns (h_new, c_new, grads)."""
    gates = x @ W_ih.T + h @ W_hh.T + b_ih + b_hh
    gi, gf, gg, go = gates.chunk(4, 1)
    i, f, g, o = gi.sigmoid(), gf.sigmoid(), gg.tanh(), go.sigmoid()
    c_new = f * c + i * g
    tc = c_new.tanh()
    h_new = o * tc
    dc = grad_c_new
    dc += grad_h_new * o * (1 - tc ** 2)
    dgates = torch.cat([dc * g * i * (1 - i),
                        dc * c * f * (1 - f),
                        dc * i * (1 - g ** 2),
                        grad_h_new * tc * o * (1 - o)], 1)
    grads = {"x": dgates @ W_ih, "h": dgates @ W_hh, "c": dc * f,
             "W_ih": dgates.T @ x, "W_hh": dgates.T @ h,
             "b_ih": dgates.sum(0), "b_hh": dgates.sum(0)}
    return h_new, c_new, grads
'''
}
