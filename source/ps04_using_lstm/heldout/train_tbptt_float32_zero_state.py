"""Builds the initial zero state with torch.zeros(num_layers, batch, hidden) without a dtype, which is float32: a float64 layer then gets a float32 state and fails, instead of a state of the layer's dtype."""

MISTAKE = "initial state made with torch.zeros (float32) instead of the layer's dtype"
EXPECT = {"lose": ["train_tbptt"]}
CELLS = {
    "train_tbptt": '''def train_tbptt(lstm, head, x, y, chunk_len, optimizer, resets):
    """Truncated BPTT over streams in chunks of chunk_len steps; stream b starts chunk k from zeros
    where resets[k, b] is True. Returns (losses, (h, c) detached)."""
    t_dim = 1 if lstm.batch_first else 0
    T = x.shape[t_dim]
    B = x.shape[1 - t_dim]
    h = torch.zeros(lstm.num_layers, B, lstm.hidden_size)
    c = torch.zeros(lstm.num_layers, B, lstm.hidden_size)
    losses = []
    for k, start in enumerate(range(0, T, chunk_len)):
        n = min(chunk_len, T - start)
        xc = x.narrow(t_dim, start, n)
        yc = y.narrow(t_dim, start, n)
        if k > 0:
            h[:, resets[k]] = 0.0
            c[:, resets[k]] = 0.0
        out, (h, c) = lstm(xc, (h, c))
        loss = nn.functional.mse_loss(head(out), yc)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        h, c = h.detach(), c.detach()
    return losses, (h, c)
'''
}
