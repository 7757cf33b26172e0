"""Accumulation bug: the bias gradient is assigned (=) inside the backward loop instead of added (+=), so only the first step's delta (summed over the batch) survives, not the sum over time."""

MISTAKE = "bias gradient overwritten, not summed over time"
EXPECT = {"lose": ["rnn_backward"]}
CELLS = {
    "rnn_backward": '''def rnn_backward(x, h0, W_ih, W_hh, b_ih, b_hh, grad_output):
    """The gradients of L = sum over t of (grad_output[t] * h_(t+1)).sum() with respect to x, h0,
    W_ih, W_hh, b_ih and b_hh, for a one-layer tanh RNN, without autograd. Returns a dict."""
    seq_len = x.shape[0]
    states = [h0]
    for t in range(seq_len):
        states.append(torch.tanh(x[t] @ W_ih.T + b_ih + states[t] @ W_hh.T + b_hh))

    d_x = torch.empty_like(x)
    d_Wih = torch.zeros_like(W_ih)
    d_Whh = torch.zeros_like(W_hh)
    d_h = torch.zeros_like(h0)
    for t in reversed(range(1, seq_len + 1)):
        delta = (grad_output[t - 1] + d_h) * (1 - states[t] ** 2)
        d_Wih += delta.T @ x[t - 1]
        d_Whh += delta.T @ states[t - 1]
        d_b = delta.sum(dim=0)
        d_x[t - 1] = delta @ W_ih
        d_h = delta @ W_hh
    return {"x": d_x, "h0": d_h, "W_ih": d_Wih, "W_hh": d_Whh, "b_ih": d_b, "b_hh": d_b.clone()}
'''
}
