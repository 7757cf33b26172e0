"""A right answer, written with a step loop that accumulates each parameter's gradient step by step."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "lstm_sequence_grads": '''def lstm_sequence_grads(x, h0, c0, W_ih, W_hh, b_ih, b_hh, grad_output):
    """The gradients of L = sum over t of (grad_output[t] * h_(t+1)).sum() with respect to x, h0, c0,
    W_ih, W_hh, b_ih and b_hh, for a one-layer LSTM, without autograd. Returns a dict."""
    T = x.shape[0]
    H = h0.shape[1]
    h, c = h0, c0
    cache = []
    for t in range(T):
        z = x[t] @ W_ih.T + b_ih + h @ W_hh.T + b_hh
        i = torch.sigmoid(z[:, 0:H])
        f = torch.sigmoid(z[:, H:2 * H])
        g = torch.tanh(z[:, 2 * H:3 * H])
        o = torch.sigmoid(z[:, 3 * H:4 * H])
        c_new = f * c + i * g
        tc = torch.tanh(c_new)
        h_new = o * tc
        cache.append((h, c, i, f, g, o, tc))
        h, c = h_new, c_new
    dx = torch.zeros_like(x)
    dW_ih = torch.zeros_like(W_ih)
    dW_hh = torch.zeros_like(W_hh)
    db = torch.zeros_like(b_ih)
    dh_next = torch.zeros_like(h0)
    dc_next = torch.zeros_like(c0)
    for t in reversed(range(T)):
        h_prev, c_prev, i, f, g, o, tc = cache[t]
        dh = grad_output[t] + dh_next
        dc = dc_next + dh * o * (1 - tc**2)
        do = dh * tc
        di = dc * g
        dg = dc * i
        df = dc * c_prev
        dz = torch.cat([di * i * (1 - i), df * f * (1 - f), dg * (1 - g**2), do * o * (1 - o)], dim=1)
        dx[t] = dz @ W_ih
        dW_ih += dz.T @ x[t]
        dW_hh += dz.T @ h_prev
        db += dz.sum(0)
        dh_next = dz @ W_hh
        dc_next = dc * f
    return {"x": dx, "h0": dh_next, "c0": dc_next, "W_ih": dW_ih, "W_hh": dW_hh, "b_ih": db, "b_hh": db.clone()}
'''
}
