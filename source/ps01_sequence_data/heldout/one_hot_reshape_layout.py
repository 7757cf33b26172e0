"""Changes the layout from (batch, seq_len, classes) to (seq_len, batch, classes) with reshape, which reinterprets the memory and mixes up steps and texts instead of transposing."""

MISTAKE = "reshape instead of transpose to change the layout"
EXPECT = {"lose": ["one_hot"]}
CELLS = {
    "one_hot": '''def one_hot(texts, alphabet):
    """One-hot encoding of equal-length texts: float32 tensor (seq_len, batch, len(alphabet))."""
    lengths = set(len(t) for t in texts)
    if len(lengths) != 1:
        raise ValueError("texts of different lengths")
    seq_len = lengths.pop()
    ids = torch.tensor([[alphabet.index(c) for c in t] for t in texts], dtype=torch.long)
    enc = F.one_hot(ids, num_classes=len(alphabet)).float()
    return enc.reshape(seq_len, len(texts), len(alphabet))
'''
}
