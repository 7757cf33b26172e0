"""Treats h0 like the other states and multiplies what reaches it by a tanh derivative (1 - h0^2) once more, although h0 is an input, not the output of a tanh step."""

MISTAKE = "extra tanh derivative on the h0 gradient"
EXPECT = {"lose": ["rnn_backward"]}
CELLS = {
    "rnn_backward": '''def rnn_backward(x, h0, W_ih, W_hh, b_ih, b_hh, grad_output):
    """The gradients of L = sum over t of (grad_output[t] * h_(t+1)).sum() with respect to x, h0,
    W_ih, W_hh, b_ih and b_hh, for a one-layer tanh RNN, without autograd. Returns a dict."""
    T, B, I = x.shape
    Hs = W_hh.shape[0]
    h = torch.empty(T + 1, B, Hs, dtype=x.dtype)
    h[0] = h0
    for t in range(T):
        h[t + 1] = torch.tanh(x[t] @ W_ih.t() + b_ih + h[t] @ W_hh.t() + b_hh)

    delta = torch.zeros(T, B, Hs, dtype=x.dtype)
    dh = torch.zeros(B, Hs, dtype=x.dtype)
    for t in range(T - 1, -1, -1):
        delta[t] = (grad_output[t] + dh) * (1 - h[t + 1] ** 2)
        dh = delta[t] @ W_hh
    dh0 = dh * (1 - h[0] ** 2)      # back through the tanh of h0

    dW_ih = torch.zeros_like(W_ih)
    dW_hh = torch.zeros_like(W_hh)
    for t in range(T):
        dW_ih += delta[t].t() @ x[t]
        dW_hh += delta[t].t() @ h[t]
    db = delta.sum(0).sum(0)
    return {"x": delta @ W_ih, "h0": dh0, "W_ih": dW_ih, "W_hh": dW_hh, "b_ih": db, "b_hh": db}
'''
}
