"""Carries every stream's state from chunk to chunk and never uses resets, so a new sequence starts from the previous sequence's final state."""

MISTAKE = "resets ignored (state always carried)"
EXPECT = {"lose": ["train_tbptt"]}
CELLS = {
    "train_tbptt": '''def train_tbptt(lstm, head, x, y, chunk_len, optimizer, resets):
    """Truncated BPTT over streams in chunks of chunk_len steps; stream b starts chunk k from zeros
    where resets[k, b] is True. Returns (losses, (h, c) detached)."""
    dim = 1 if lstm.batch_first else 0
    state, losses = None, []
    for x_chunk, y_chunk in zip(x.split(chunk_len, dim), y.split(chunk_len, dim)):
        out, state = lstm(x_chunk, state)
        loss = nn.functional.mse_loss(head(out), y_chunk)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        state = tuple(s.detach() for s in state)
    return losses, state
'''
}
