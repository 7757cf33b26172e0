"""Builds the forward pass under enable_grad and calls torch.autograd.grad, which the text forbids."""

MISTAKE = "uses autograd"
EXPECT = {"lose": ["lstm_sequence_grads"]}
CELLS = {
    "lstm_sequence_grads": '''def lstm_sequence_grads(x, h0, c0, W_ih, W_hh, b_ih, b_hh, grad_output):
    """The gradients of L = sum over t of (grad_output[t] * h_(t+1)).sum() with respect to x, h0, c0,
    W_ih, W_hh, b_ih and b_hh, for a one-layer LSTM, without autograd. Returns a dict."""
    names = ("x", "h0", "c0", "W_ih", "W_hh", "b_ih", "b_hh")
    with torch.enable_grad():
        leaves = [t.detach().clone().requires_grad_() for t in (x, h0, c0, W_ih, W_hh, b_ih, b_hh)]
        xs, h, c, Wi, Wh, bi, bh = leaves
        loss = 0
        for t in range(xs.shape[0]):
            i, f, g, o = (xs[t] @ Wi.T + bi + h @ Wh.T + bh).chunk(4, dim=1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            loss = loss + (grad_output[t] * h).sum()
        grads = torch.autograd.grad(loss, leaves)
    return dict(zip(names, grads))
'''
}
