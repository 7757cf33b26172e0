"""Uses einsum; off by one in the weight gradient: it pairs delta_t with the state h_t the step produced instead of the state h_(t-1) it read, so dW_hh is wrong (and h0 never enters it)."""

MISTAKE = "dW_hh uses h_t instead of h_(t-1)"
EXPECT = {"lose": ["rnn_backward"]}
CELLS = {
    "rnn_backward": '''def rnn_backward(x, h0, W_ih, W_hh, b_ih, b_hh, grad_output):
    """The gradients of L = sum over t of (grad_output[t] * h_(t+1)).sum() with respect to x, h0,
    W_ih, W_hh, b_ih and b_hh, for a one-layer tanh RNN, without autograd. Returns a dict."""
    T = x.shape[0]
    h = h0
    out = []
    for t in range(T):
        h = torch.tanh(torch.einsum("bi,hi->bh", x[t], W_ih) + b_ih + torch.einsum("bk,hk->bh", h, W_hh) + b_hh)
        out.append(h)
    out = torch.stack(out)

    deltas = torch.zeros_like(out)
    back = torch.zeros_like(h0)
    for t in range(T - 1, -1, -1):
        deltas[t] = (grad_output[t] + back) * (1 - out[t] ** 2)
        back = torch.einsum("bh,hk->bk", deltas[t], W_hh)

    return {
        "x": torch.einsum("tbh,hi->tbi", deltas, W_ih),
        "h0": back,
        "W_ih": torch.einsum("tbh,tbi->hi", deltas, x),
        "W_hh": torch.einsum("tbh,tbk->hk", deltas, out),   # delta_t with the state of step t
        "b_ih": deltas.sum(dim=(0, 1)),
        "b_hh": deltas.sum(dim=(0, 1)),
    }
'''
}
