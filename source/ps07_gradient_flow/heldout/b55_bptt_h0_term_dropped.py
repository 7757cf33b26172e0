"""Follows the lecture's loop for a batch, but only adds delta_t^T h_(t-1) to W_hh's gradient when a previous state exists in its list of outputs, so the t = 1 term with h0 is dropped."""

MISTAKE = "drops the h0 term of dW_hh"
EXPECT = {"lose": ["rnn_backward"]}
CELLS = {
    "rnn_backward": '''def rnn_backward(x, h0, W_ih, W_hh, b_ih, b_hh, grad_output):
    """The gradients of L = sum over t of (grad_output[t] * h_(t+1)).sum() with respect to x, h0,
    W_ih, W_hh, b_ih and b_hh, for a one-layer tanh RNN, without autograd. Returns a dict."""
    states, h = [], h0
    for x_t in x:
        h = torch.tanh(x_t @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
        states.append(h)
    dW_ih, dW_hh = torch.zeros_like(W_ih), torch.zeros_like(W_hh)
    db = torch.zeros_like(b_ih)
    dx = torch.zeros_like(x)
    from_later = torch.zeros_like(h0)
    for t in reversed(range(len(x))):
        delta = (grad_output[t] + from_later) * (1 - states[t] ** 2)
        dW_ih += delta.T @ x[t]
        if t > 0:
            dW_hh += delta.T @ states[t - 1]
        db += delta.sum(0)
        dx[t] = delta @ W_ih
        from_later = delta @ W_hh
    return {"x": dx, "h0": from_later, "W_ih": dW_ih, "W_hh": dW_hh, "b_ih": db, "b_hh": db.clone()}
'''
}
