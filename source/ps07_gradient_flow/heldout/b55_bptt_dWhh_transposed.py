"""Writes the outer product the wrong way round for the recurrent weights, h_(t-1)^T delta_t instead of delta_t^T h_(t-1); the shape is the same because W_hh is square, so only the values are wrong (W_ih's is right)."""

MISTAKE = "dW_hh transposed"
EXPECT = {"lose": ["rnn_backward"]}
CELLS = {
    "rnn_backward": '''def rnn_backward(x, h0, W_ih, W_hh, b_ih, b_hh, grad_output):
    """The gradients of L = sum over t of (grad_output[t] * h_(t+1)).sum() with respect to x, h0,
    W_ih, W_hh, b_ih and b_hh, for a one-layer tanh RNN, without autograd. Returns a dict."""
    hs = [h0]
    for xt in x:
        hs.append(torch.tanh(xt @ W_ih.T + hs[-1] @ W_hh.T + b_ih + b_hh))
    g_W_ih = torch.zeros_like(W_ih)
    g_W_hh = torch.zeros_like(W_hh)
    g_b = torch.zeros_like(b_ih)
    g_x = []
    carry = torch.zeros_like(h0)
    for t in reversed(range(x.shape[0])):
        d = (grad_output[t] + carry) * (1 - hs[t + 1] ** 2)
        g_W_ih += torch.einsum("bh,bi->hi", d, x[t])
        g_W_hh += torch.einsum("bh,bj->jh", d, hs[t])
        g_b += d.sum(0)
        g_x.append(d @ W_ih)
        carry = d @ W_hh
    g_x.reverse()
    return {"x": torch.stack(g_x), "h0": carry, "W_ih": g_W_ih, "W_hh": g_W_hh, "b_ih": g_b, "b_hh": g_b.clone()}
'''
}
