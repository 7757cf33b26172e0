"""Takes the tanh derivative at the state the step read, 1 - h_(t-1)^2, instead of at the state it produced, 1 - h_t^2 (an off-by-one in the list that holds h0 first)."""

MISTAKE = "tanh derivative at h_(t-1), not h_t"
EXPECT = {"lose": ["rnn_backward"]}
CELLS = {
    "rnn_backward": '''def rnn_backward(x, h0, W_ih, W_hh, b_ih, b_hh, grad_output):
    """The gradients of L = sum over t of (grad_output[t] * h_(t+1)).sum() with respect to x, h0,
    W_ih, W_hh, b_ih and b_hh, for a one-layer tanh RNN, without autograd. Returns a dict."""
    T = len(x)
    hs = [h0]
    for t in range(T):
        hs.append(torch.tanh(x[t] @ W_ih.T + b_ih + hs[-1] @ W_hh.T + b_hh))

    grads = {"x": torch.zeros_like(x), "W_ih": torch.zeros_like(W_ih), "W_hh": torch.zeros_like(W_hh),
             "b_ih": torch.zeros_like(b_ih), "b_hh": torch.zeros_like(b_hh)}
    dh = torch.zeros_like(h0)
    for t in range(T - 1, -1, -1):
        # hs[t] is the hidden state of this step
        delta = (grad_output[t] + dh) * (1 - hs[t] ** 2)
        grads["W_ih"] += delta.T @ x[t]
        grads["W_hh"] += delta.T @ hs[t]
        grads["b_ih"] += delta.sum(0)
        grads["b_hh"] += delta.sum(0)
        grads["x"][t] = delta @ W_ih
        dh = delta @ W_hh
    grads["h0"] = dh
    return grads
'''
}
