"""Never looks at per_sequence: always returns the mean over all real steps."""

MISTAKE = "per_sequence flag ignored"
EXPECT = {"lose": ["masked_cross_entropy"]}
CELLS = {
    "masked_cross_entropy": '''def masked_cross_entropy(logits, tags, lengths, per_sequence=False):
    """Cross-entropy over the real steps of time-first logits (steps, batch, classes) and
    tags (steps, batch): mean per step, or mean of each sequence's mean."""
    T = logits.shape[0]
    real = torch.arange(T).unsqueeze(1) < lengths.unsqueeze(0)
    return nn.functional.cross_entropy(logits[real], tags[real])
'''
}
