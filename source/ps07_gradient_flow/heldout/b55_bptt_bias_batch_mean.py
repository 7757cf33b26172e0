"""Correct recursion, but averages the bias gradients over the batch (delta.mean(0)) as if the loss were a mean, while the weight gradients are summed; wrong whenever batch > 1."""

MISTAKE = "bias gradients averaged over the batch"
EXPECT = {"lose": ["rnn_backward"]}
CELLS = {
    "rnn_backward": '''def rnn_backward(x, h0, W_ih, W_hh, b_ih, b_hh, grad_output):
    """The gradients of L = sum over t of (grad_output[t] * h_(t+1)).sum() with respect to x, h0,
    W_ih, W_hh, b_ih and b_hh, for a one-layer tanh RNN, without autograd. Returns a dict."""
    T = x.shape[0]
    hs = []
    h = h0
    for t in range(T):
        h = torch.tanh(torch.matmul(x[t], W_ih.T) + b_ih + torch.matmul(h, W_hh.T) + b_hh)
        hs.append(h)
    gx = torch.zeros_like(x)
    gWih = torch.zeros_like(W_ih)
    gWhh = torch.zeros_like(W_hh)
    gb = torch.zeros_like(b_ih)
    gh = torch.zeros_like(h0)
    for t in reversed(range(T)):
        prev = hs[t - 1] if t > 0 else h0
        delta = (grad_output[t] + gh) * (1 - hs[t] ** 2)
        gWih += torch.matmul(delta.T, x[t])
        gWhh += torch.matmul(delta.T, prev)
        gb += delta.mean(0)             # one bias gradient per unit
        gx[t] = torch.matmul(delta, W_ih)
        gh = torch.matmul(delta, W_hh)
    return {"x": gx, "h0": gh, "W_ih": gWih, "W_hh": gWhh, "b_ih": gb, "b_hh": gb}
'''
}
