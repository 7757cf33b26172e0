"""Multiplies only the step's own g_t by the tanh derivative and adds what comes back from the later step afterwards, so the gradient flowing back through time skips 1 - h_t^2."""

MISTAKE = "tanh derivative missing on the recurrent part"
EXPECT = {"lose": ["rnn_backward"]}
CELLS = {
    "rnn_backward": '''def rnn_backward(x, h0, W_ih, W_hh, b_ih, b_hh, grad_output):
    """The gradients of L = sum over t of (grad_output[t] * h_(t+1)).sum() with respect to x, h0,
    W_ih, W_hh, b_ih and b_hh, for a one-layer tanh RNN, without autograd. Returns a dict."""
    states = [h0]
    for x_t in x:
        states.append(torch.tanh(x_t @ W_ih.T + b_ih + states[-1] @ W_hh.T + b_hh))
    dW_ih = torch.zeros_like(W_ih)
    dW_hh = torch.zeros_like(W_hh)
    db = torch.zeros_like(b_ih)
    dxs = []
    delta_next = None
    for t in range(len(x), 0, -1):
        delta = grad_output[t - 1] * (1 - states[t] ** 2)
        if delta_next is not None:
            delta = delta + delta_next @ W_hh
        dW_ih += delta.T @ x[t - 1]
        dW_hh += delta.T @ states[t - 1]
        db += delta.sum(0)
        dxs.insert(0, delta @ W_ih)
        delta_next = delta
    return {"x": torch.stack(dxs), "h0": delta_next @ W_hh, "W_ih": dW_ih, "W_hh": dW_hh,
            "b_ih": db, "b_hh": db.clone()}
'''
}
