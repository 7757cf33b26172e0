"""Detaches the carried state only when it is fed into the next chunk, so the (h, c) returned after the last chunk is still attached to the graph."""

MISTAKE = "returned final state not detached"
EXPECT = {"lose": ["train_tbptt"]}
CELLS = {
    "train_tbptt": '''def train_tbptt(lstm, head, x, y, chunk_len, optimizer, resets):
    """Truncated BPTT over streams in chunks of chunk_len steps; stream b starts chunk k from zeros
    where resets[k, b] is True. Returns (losses, (h, c) detached)."""
    time_dim = 1 if lstm.batch_first else 0
    losses = []
    state = None
    chunks = zip(x.split(chunk_len, dim=time_dim), y.split(chunk_len, dim=time_dim))
    for k, (xk, yk) in enumerate(chunks):
        if state is not None:
            keep = (~resets[k]).to(xk.dtype)[None, :, None]
            state = (state[0].detach() * keep, state[1].detach() * keep)
        out, state = lstm(xk, state)
        loss = nn.functional.mse_loss(head(out), yk)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses, state
'''
}
