"""Treats the last step separately before the loop and takes its previous state as states[T - 2] from a list without h0; for T = 1 that index is -1, which Python silently wraps to h_1 instead of h0."""

MISTAKE = "T = 1: states[-1] used as the previous state"
EXPECT = {"lose": ["rnn_backward"]}
CELLS = {
    "rnn_backward": '''def rnn_backward(x, h0, W_ih, W_hh, b_ih, b_hh, grad_output):
    """The gradients of L = sum over t of (grad_output[t] * h_(t+1)).sum() with respect to x, h0,
    W_ih, W_hh, b_ih and b_hh, for a one-layer tanh RNN, without autograd. Returns a dict."""
    T = x.shape[0]
    states = []                      # states[t] = h_(t+1)
    h = h0
    for t in range(T):
        h = torch.tanh(x[t] @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
        states.append(h)

    dx = torch.zeros_like(x)
    # last step: only its own part of the loss
    delta = grad_output[T - 1] * (1 - states[T - 1] ** 2)
    dW_ih = delta.T @ x[T - 1]
    dW_hh = delta.T @ states[T - 2]
    db = delta.sum(0)
    dx[T - 1] = delta @ W_ih
    # the earlier steps
    for t in range(T - 2, -1, -1):
        delta = (grad_output[t] + delta @ W_hh) * (1 - states[t] ** 2)
        h_prev = states[t - 1] if t > 0 else h0
        dW_ih = dW_ih + delta.T @ x[t]
        dW_hh = dW_hh + delta.T @ h_prev
        db = db + delta.sum(0)
        dx[t] = delta @ W_ih
    return {"x": dx, "h0": delta @ W_hh, "W_ih": dW_ih, "W_hh": dW_hh, "b_ih": db, "b_hh": db.clone()}
'''
}
