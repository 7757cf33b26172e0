"""Returns the encoding batch first, (batch, seq_len, len(alphabet)), forgetting to put time first as nn.RNN reads it by default."""

MISTAKE = "layout (batch, seq_len, classes) instead of time first"
EXPECT = {"lose": ["one_hot"]}
CELLS = {
    "one_hot": '''def one_hot(texts, alphabet):
    """One-hot encoding of equal-length texts: float32 tensor (seq_len, batch, len(alphabet))."""
    if any(len(t) != len(texts[0]) for t in texts):
        raise ValueError("texts must all have the same length")
    ids = torch.tensor([[alphabet.index(c) for c in t] for t in texts])
    return F.one_hot(ids, num_classes=len(alphabet)).float()
'''
}
