"""Returns the loss as a Python float with .item(), so no gradient can flow through it."""

MISTAKE = "returns a Python float (.item()) instead of a 0-d tensor"
EXPECT = {"lose": ["masked_cross_entropy"]}
CELLS = {
    "masked_cross_entropy": '''def masked_cross_entropy(logits, tags, lengths, per_sequence=False):
    """Cross-entropy over the real steps of time-first logits (steps, batch, classes) and
    tags (steps, batch): mean per step, or mean of each sequence's mean."""
    steps = logits.shape[0]
    mask = torch.arange(steps)[:, None] < lengths[None, :]
    ce = nn.functional.cross_entropy(logits.flatten(0, 1), tags.flatten(0, 1), reduction="none").view(mask.shape)
    ce = torch.where(mask, ce, torch.zeros_like(ce))
    if per_sequence:
        return (ce.sum(0) / lengths).mean().item()
    return (ce.sum() / mask.sum()).item()
'''
}
