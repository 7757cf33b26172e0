"""Correct: select the real slots with a time-first mask, mean over them, or per-sequence means via index_add."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "masked_cross_entropy": '''def masked_cross_entropy(logits, tags, lengths, per_sequence=False):
    """Cross-entropy over the real steps of time-first logits (steps, batch, classes) and
    tags (steps, batch): mean per step, or mean of each sequence's mean."""
    steps, batch, classes = logits.shape
    mask = torch.arange(steps, device=logits.device).unsqueeze(1) < lengths.to(logits.device).unsqueeze(0)
    ce = nn.functional.cross_entropy(logits[mask], tags[mask], reduction="none")
    if not per_sequence:
        return ce.mean()
    seq_index = torch.arange(batch, device=logits.device).expand(steps, batch)[mask]
    sums = logits.new_zeros(batch).index_add(0, seq_index, ce)
    return (sums / lengths.to(logits.device, logits.dtype)).mean()
'''
}
