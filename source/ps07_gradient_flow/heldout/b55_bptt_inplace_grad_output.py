"""Gets every gradient right, but adds what flows back from the later step into grad_output in place (grad_output[t - 1] += ...), so the caller's grad_output is changed."""

MISTAKE = "modifies grad_output in place"
EXPECT = {"lose": ["rnn_backward"]}
CELLS = {
    "rnn_backward": '''def rnn_backward(x, h0, W_ih, W_hh, b_ih, b_hh, grad_output):
    """The gradients of L = sum over t of (grad_output[t] * h_(t+1)).sum() with respect to x, h0,
    W_ih, W_hh, b_ih and b_hh, for a one-layer tanh RNN, without autograd. Returns a dict."""
    T = x.shape[0]
    H = [h0]
    for t in range(1, T + 1):
        H.append(torch.tanh(x[t - 1] @ W_ih.T + b_ih + H[t - 1] @ W_hh.T + b_hh))

    dh = grad_output                      # dh[t - 1] becomes the full dL/dh_t
    deltas = [None] * T
    for t in range(T, 0, -1):
        deltas[t - 1] = dh[t - 1] * (1 - H[t] ** 2)
        if t > 1:
            dh[t - 2] += deltas[t - 1] @ W_hh
    deltas = torch.stack(deltas)
    prev = torch.stack(H[:-1])
    return {
        "x": deltas @ W_ih,
        "h0": deltas[0] @ W_hh,
        "W_ih": sum(deltas[t].T @ x[t] for t in range(T)),
        "W_hh": sum(deltas[t].T @ prev[t] for t in range(T)),
        "b_ih": deltas.sum((0, 1)),
        "b_hh": deltas.sum((0, 1)),
    }
'''
}
