"""A correct answer: stacks the states, computes only the deltas in the backward loop, then gets the weight gradients in one matmul each by flattening steps and batch into one dimension."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "rnn_backward": '''def rnn_backward(x, h0, W_ih, W_hh, b_ih, b_hh, grad_output):
    """The gradients of L = sum over t of (grad_output[t] * h_(t+1)).sum() with respect to x, h0,
    W_ih, W_hh, b_ih and b_hh, for a one-layer tanh RNN, without autograd. Returns a dict."""
    seq_len, batch, input_size = x.shape
    hidden = W_hh.shape[0]
    # forward
    outs = []
    h = h0.clone()
    for x_t in x:
        h = torch.tanh(torch.addmm(b_ih + b_hh, x_t, W_ih.t()) + h @ W_hh.t())
        outs.append(h)
    output = torch.stack(outs)                            # (seq_len, batch, hidden): h_1 .. h_T
    prev = torch.cat([h0.unsqueeze(0), output[:-1]], 0)   # h_0 .. h_(T-1)

    # backward: only the deltas
    deltas = []
    dh_next = torch.zeros(batch, hidden, dtype=x.dtype, device=x.device)
    for t in reversed(range(seq_len)):
        dh = grad_output[t] + dh_next                     # full dL/dh_(t+1)
        d = dh * (1.0 - output[t] * output[t])
        deltas.append(d)
        dh_next = d @ W_hh
    deltas = torch.stack(deltas[::-1])                    # back in time order

    D = deltas.reshape(seq_len * batch, hidden)
    db = D.sum(0)
    return {
        "x": (D @ W_ih).reshape(seq_len, batch, input_size),
        "h0": dh_next,
        "W_ih": D.t() @ x.reshape(seq_len * batch, input_size),
        "W_hh": D.t() @ prev.reshape(seq_len * batch, hidden),
        "b_ih": db,
        "b_hh": db.clone(),
    }
'''
}
