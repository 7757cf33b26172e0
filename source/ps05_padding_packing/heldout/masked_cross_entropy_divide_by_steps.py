"""With per_sequence=True each sequence's sum is divided by the number of steps of the batch instead of its own length."""

MISTAKE = "per-sequence mean divides by steps, not the sequence's length"
EXPECT = {"lose": ["masked_cross_entropy"]}
CELLS = {
    "masked_cross_entropy": '''def masked_cross_entropy(logits, tags, lengths, per_sequence=False):
    """Cross-entropy over the real steps of time-first logits (steps, batch, classes) and
    tags (steps, batch): mean per step, or mean of each sequence's mean."""
    T, B, C = logits.shape
    losses = nn.functional.cross_entropy(logits.reshape(T * B, C), tags.reshape(T * B), reduction="none").view(T, B)
    mask = (torch.arange(T).unsqueeze(1) < lengths.unsqueeze(0)).to(losses.dtype)
    losses = losses * mask
    if per_sequence:
        per_seq = losses.sum(dim=0) / T
        return per_seq.mean()
    return losses.sum() / mask.sum()
'''
}
