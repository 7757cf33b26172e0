"""Does not write the backward pass: re-enables gradients and calls torch.autograd.functional.vjp on the forward loop, i.e. uses autograd in a hidden way, which the exercise forbids."""

MISTAKE = "uses autograd (functional.vjp) in disguise"
EXPECT = {"lose": ["rnn_backward"]}
CELLS = {
    "rnn_backward": '''def rnn_backward(x, h0, W_ih, W_hh, b_ih, b_hh, grad_output):
    """The gradients of L = sum over t of (grad_output[t] * h_(t+1)).sum() with respect to x, h0,
    W_ih, W_hh, b_ih and b_hh, for a one-layer tanh RNN, without autograd. Returns a dict."""
    def forward(x, h0, W_ih, W_hh, b_ih, b_hh):
        h = h0
        outs = []
        for x_t in x:
            h = torch.tanh(x_t @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
            outs.append(h)
        return torch.stack(outs)

    with torch.enable_grad():
        _, grads = torch.autograd.functional.vjp(forward, (x, h0, W_ih, W_hh, b_ih, b_hh), grad_output)
    return dict(zip(["x", "h0", "W_ih", "W_hh", "b_ih", "b_hh"], grads))
'''
}
