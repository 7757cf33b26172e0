"""Right recursion, but builds the accumulators with torch.zeros(shape) (default float32), so float64 inputs are summed and returned in float32 and lose precision."""

MISTAKE = "float32 accumulators for float64 inputs"
EXPECT = {"lose": ["rnn_backward"]}
CELLS = {
    "rnn_backward": '''def rnn_backward(x, h0, W_ih, W_hh, b_ih, b_hh, grad_output):
    """The gradients of L = sum over t of (grad_output[t] * h_(t+1)).sum() with respect to x, h0,
    W_ih, W_hh, b_ih and b_hh, for a one-layer tanh RNN, without autograd. Returns a dict."""
    seq_len, batch, input_size = x.shape
    hidden_size = W_hh.shape[0]

    hidden = [h0]
    for t in range(seq_len):
        hidden.append(torch.tanh(x[t] @ W_ih.T + b_ih + hidden[t] @ W_hh.T + b_hh))

    dx = torch.zeros(seq_len, batch, input_size)
    dW_ih = torch.zeros(hidden_size, input_size)
    dW_hh = torch.zeros(hidden_size, hidden_size)
    db_ih = torch.zeros(hidden_size)
    db_hh = torch.zeros(hidden_size)
    dh_next = torch.zeros(batch, hidden_size)

    for t in range(seq_len - 1, -1, -1):
        delta = (grad_output[t] + dh_next) * (1 - hidden[t + 1] ** 2)
        dW_ih += delta.T @ x[t]
        dW_hh += delta.T @ hidden[t]
        db_ih += delta.sum(0)
        db_hh += delta.sum(0)
        dx[t] = delta @ W_ih
        dh_next = delta @ W_hh
    return {"x": dx, "h0": dh_next, "W_ih": dW_ih, "W_hh": dW_hh, "b_ih": db_ih, "b_hh": db_hh}
'''
}
