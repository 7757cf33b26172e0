"""Builds the mask batch first, arange(steps) as a row against lengths as a column, shape (batch, steps), although the logits and tags are time first."""

MISTAKE = "mask built (batch, steps) for time-first data"
EXPECT = {"lose": ["masked_cross_entropy"]}
CELLS = {
    "masked_cross_entropy": '''def masked_cross_entropy(logits, tags, lengths, per_sequence=False):
    """Cross-entropy over the real steps of time-first logits (steps, batch, classes) and
    tags (steps, batch): mean per step, or mean of each sequence's mean."""
    steps, batch, n_classes = logits.shape
    mask = torch.arange(steps).unsqueeze(0) < lengths.unsqueeze(1)
    loss = nn.functional.cross_entropy(logits.reshape(-1, n_classes), tags.reshape(-1), reduction="none")
    loss = loss.reshape(steps, batch)
    loss = loss.masked_fill(~mask, 0.0)
    if per_sequence:
        return (loss.sum(dim=0) / lengths).mean()
    return loss.sum() / lengths.sum()
'''
}
