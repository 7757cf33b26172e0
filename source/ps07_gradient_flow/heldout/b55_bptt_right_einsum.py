"""A correct answer: preallocated state and delta tensors, the recursion in a backward loop, and every weight and bias gradient summed over steps and batch at the end with einsum."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "rnn_backward": '''def rnn_backward(x, h0, W_ih, W_hh, b_ih, b_hh, grad_output):
    """The gradients of L = sum over t of (grad_output[t] * h_(t+1)).sum() with respect to x, h0,
    W_ih, W_hh, b_ih and b_hh, for a one-layer tanh RNN, without autograd. Returns a dict."""
    T, B, _ = x.shape
    H = h0.shape[1]
    hs = x.new_empty(T + 1, B, H)      # hs[0] = h0, hs[t] = h_t
    hs[0] = h0
    for t in range(1, T + 1):
        z = torch.einsum("bi,hi->bh", x[t - 1], W_ih) + b_ih + torch.einsum("bj,hj->bh", hs[t - 1], W_hh) + b_hh
        hs[t] = torch.tanh(z)

    deltas = x.new_empty(T, B, H)      # deltas[t - 1] = dL/dz_t
    carry = x.new_zeros(B, H)
    for t in range(T, 0, -1):
        deltas[t - 1] = (grad_output[t - 1] + carry) * (1 - hs[t] ** 2)
        carry = torch.einsum("bh,hj->bj", deltas[t - 1], W_hh)

    grads = {
        "x": torch.einsum("tbh,hi->tbi", deltas, W_ih),
        "h0": carry,
        "W_ih": torch.einsum("tbh,tbi->hi", deltas, x),
        "W_hh": torch.einsum("tbh,tbj->hj", deltas, hs[:-1]),
        "b_ih": torch.einsum("tbh->h", deltas),
        "b_hh": torch.einsum("tbh->h", deltas),
    }
    return grads
'''
}
