"""Correct: indices (batch, seq_len), F.one_hot with num_classes, transpose to time first, float32."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "one_hot": '''def one_hot(texts, alphabet):
    """One-hot encoding of equal-length texts: float32 tensor (seq_len, batch, len(alphabet))."""
    if len({len(t) for t in texts}) > 1:
        raise ValueError("all texts must have the same length")
    idx = torch.tensor([[alphabet.index(ch) for ch in text] for text in texts], dtype=torch.long)
    return F.one_hot(idx, num_classes=len(alphabet)).transpose(0, 1).float()
'''
}
