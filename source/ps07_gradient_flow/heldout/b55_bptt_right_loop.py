"""A correct answer: forward loop keeping every state (h0 included), then a backward loop over the steps that carries delta @ W_hh back and accumulates every gradient with matmuls."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "rnn_backward": '''def rnn_backward(x, h0, W_ih, W_hh, b_ih, b_hh, grad_output):
    """The gradients of L = sum over t of (grad_output[t] * h_(t+1)).sum() with respect to x, h0,
    W_ih, W_hh, b_ih and b_hh, for a one-layer tanh RNN, without autograd. Returns a dict."""
    T = x.shape[0]
    # forward pass, keep all states; states[0] is h0, states[t] is h_t
    states = [h0]
    h = h0
    for t in range(T):
        h = torch.tanh(x[t] @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
        states.append(h)

    dx = torch.zeros_like(x)
    dW_ih = torch.zeros_like(W_ih)
    dW_hh = torch.zeros_like(W_hh)
    db_ih = torch.zeros_like(b_ih)
    db_hh = torch.zeros_like(b_hh)
    from_later = torch.zeros_like(h0)          # nothing comes back to h_T
    for t in range(T - 1, -1, -1):             # x[t] and grad_output[t] belong to h_(t+1) = states[t+1]
        h_t = states[t + 1]
        h_prev = states[t]
        delta = (grad_output[t] + from_later) * (1 - h_t ** 2)   # (batch, hidden)
        dW_ih = dW_ih + delta.T @ x[t]
        dW_hh = dW_hh + delta.T @ h_prev
        db_ih = db_ih + delta.sum(dim=0)
        db_hh = db_hh + delta.sum(dim=0)
        dx[t] = delta @ W_ih
        from_later = delta @ W_hh
    return {"x": dx, "h0": from_later, "W_ih": dW_ih, "W_hh": dW_hh, "b_ih": db_ih, "b_hh": db_hh}
'''
}
