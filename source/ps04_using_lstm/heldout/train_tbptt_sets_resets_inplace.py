"""Forces chunk 0 to reset by writing resets[0] = True into the caller's resets tensor, which changes the argument in place."""

MISTAKE = "modifies the caller's resets in place (resets[0] = True)"
EXPECT = {"lose": ["train_tbptt"]}
CELLS = {
    "train_tbptt": '''def train_tbptt(lstm, head, x, y, chunk_len, optimizer, resets):
    """Truncated BPTT over streams in chunks of chunk_len steps; stream b starts chunk k from zeros
    where resets[k, b] is True. Returns (losses, (h, c) detached)."""
    resets[0] = True                     # chunk 0 always starts from zeros
    tdim = 1 if lstm.batch_first else 0
    batch = x.shape[1 - tdim]
    shape = (lstm.num_layers, batch, lstm.hidden_size)
    h = torch.zeros(shape, dtype=x.dtype)
    c = torch.zeros(shape, dtype=x.dtype)
    losses = []
    for k, (xc, yc) in enumerate(zip(torch.split(x, chunk_len, dim=tdim), torch.split(y, chunk_len, dim=tdim))):
        r = resets[k].view(1, -1, 1)
        h = torch.where(r, torch.zeros_like(h), h)
        c = torch.where(r, torch.zeros_like(c), c)
        out, (h, c) = lstm(xc, (h, c))
        loss = nn.functional.mse_loss(head(out), yc)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(float(loss))
        h, c = h.detach(), c.detach()
    return losses, (h, c)
'''
}
