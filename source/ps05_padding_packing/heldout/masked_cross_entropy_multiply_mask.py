"""Computes the cross-entropy at every slot and zeroes the padded ones by multiplying with the mask: a non-finite value at a padded slot (inf or nan logits) still turns the loss and gradients into nan, so padded values are not truly ignored.

Relabelled right after grading: its author read 'arbitrary' values at padded slots as including inf and nan; the course's own answer multiplies by the mask too, and the exercise now says the padded values are finite."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "masked_cross_entropy": '''def masked_cross_entropy(logits, tags, lengths, per_sequence=False):
    """Cross-entropy over the real steps of time-first logits (steps, batch, classes) and
    tags (steps, batch): mean per step, or mean of each sequence's mean."""
    T, B, C = logits.shape
    losses = nn.functional.cross_entropy(logits.reshape(T * B, C), tags.reshape(T * B), reduction="none").view(T, B)
    mask = (torch.arange(T).unsqueeze(1) < lengths.unsqueeze(0)).to(losses.dtype)
    losses = losses * mask
    if per_sequence:
        per_seq = losses.sum(dim=0) / mask.sum(dim=0)
        return per_seq.mean()
    return losses.sum() / mask.sum()
'''
}
