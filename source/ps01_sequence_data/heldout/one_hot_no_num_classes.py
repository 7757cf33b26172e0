"""Calls F.one_hot without num_classes, so the number of classes is the largest index that occurs plus one: when the last characters of the alphabet do not occur the last dimension is too small."""

MISTAKE = "F.one_hot without num_classes (size from the data, not the alphabet)"
EXPECT = {"lose": ["one_hot"]}
CELLS = {
    "one_hot": '''def one_hot(texts, alphabet):
    """One-hot encoding of equal-length texts: float32 tensor (seq_len, batch, len(alphabet))."""
    if any(len(t) != len(texts[0]) for t in texts):
        raise ValueError("texts must have equal length")
    indices = torch.tensor([[alphabet.index(ch) for ch in t] for t in texts])
    return F.one_hot(indices).permute(1, 0, 2).float()
'''
}
