"""Copies the lecture's section-1 setting: starts the backward pass from grad_output[-1] at the last step and never adds the earlier steps' own g_t, so only the last step's loss is propagated."""

MISTAKE = "only the last step's loss propagated"
EXPECT = {"lose": ["rnn_backward"]}
CELLS = {
    "rnn_backward": '''def rnn_backward(x, h0, W_ih, W_hh, b_ih, b_hh, grad_output):
    """The gradients of L = sum over t of (grad_output[t] * h_(t+1)).sum() with respect to x, h0,
    W_ih, W_hh, b_ih and b_hh, for a one-layer tanh RNN, without autograd. Returns a dict."""
    T = x.shape[0]
    hs = [h0]
    for t in range(T):
        hs.append(torch.tanh(x[t] @ W_ih.T + b_ih + hs[t] @ W_hh.T + b_hh))

    dW_ih = torch.zeros_like(W_ih)
    dW_hh = torch.zeros_like(W_hh)
    db = torch.zeros_like(b_ih)
    dx = torch.zeros_like(x)
    dh = grad_output[-1]                      # dL/dh_T
    for t in range(T, 0, -1):
        delta = dh * (1 - hs[t] ** 2)
        dW_ih += delta.T @ x[t - 1]
        dW_hh += delta.T @ hs[t - 1]
        db += delta.sum(0)
        dx[t - 1] = delta @ W_ih
        dh = delta @ W_hh                     # dL/dh_(t-1)
    return {"x": dx, "h0": dh, "W_ih": dW_ih, "W_hh": dW_hh, "b_ih": db, "b_hh": db.clone()}
'''
}
