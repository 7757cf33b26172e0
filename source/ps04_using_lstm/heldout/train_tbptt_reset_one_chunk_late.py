"""Applies resets[k] to the state after chunk k has run (for chunk k + 1), so every reset takes effect one chunk too late."""

MISTAKE = "resets applied one chunk late (resets[k] used for chunk k+1)"
EXPECT = {"lose": ["train_tbptt"]}
CELLS = {
    "train_tbptt": '''def train_tbptt(lstm, head, x, y, chunk_len, optimizer, resets):
    """Truncated BPTT over streams in chunks of chunk_len steps; stream b starts chunk k from zeros
    where resets[k, b] is True. Returns (losses, (h, c) detached)."""
    time_dim = 1 if lstm.batch_first else 0
    xs = x.split(chunk_len, dim=time_dim)
    ys = y.split(chunk_len, dim=time_dim)
    state = None
    losses = []
    for k in range(len(xs)):
        out, (h, c) = lstm(xs[k], state)
        loss = nn.functional.mse_loss(head(out), ys[k])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        h, c = h.detach(), c.detach()
        if k + 1 < len(xs):
            h[:, resets[k]] = 0
            c[:, resets[k]] = 0
        state = (h, c)
    return losses, state
'''
}
