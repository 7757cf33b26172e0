"""Calls optimizer.step() before loss.backward(), so each step uses the previous chunk's gradients (and the first step none at all)."""

MISTAKE = "optimizer.step() before backward()"
EXPECT = {"lose": ["train_tbptt"]}
CELLS = {
    "train_tbptt": '''def train_tbptt(lstm, head, x, y, chunk_len, optimizer, resets):
    """Truncated BPTT over streams in chunks of chunk_len steps; stream b starts chunk k from zeros
    where resets[k, b] is True. Returns (losses, (h, c) detached)."""
    time_dim = 1 if lstm.batch_first else 0
    losses = []
    state = None
    for k, (x_chunk, y_chunk) in enumerate(zip(x.split(chunk_len, dim=time_dim), y.split(chunk_len, dim=time_dim))):
        if state is not None:
            h, c = state
            keep = (~resets[k]).to(h.dtype).view(1, -1, 1)
            state = (h * keep, c * keep)
        out, (h, c) = lstm(x_chunk, state)
        loss = nn.functional.mse_loss(head(out), y_chunk)
        optimizer.zero_grad()
        optimizer.step()
        loss.backward()
        losses.append(loss.item())
        state = (h.detach(), c.detach())
    return losses, state
'''
}
