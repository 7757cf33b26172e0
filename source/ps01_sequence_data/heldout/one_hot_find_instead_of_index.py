"""Looks characters up with str.find, which returns -1 for a character that is not in the alphabet: instead of raising ValueError, the unknown character is marked as the last class."""

MISTAKE = "unknown character not rejected (str.find returns -1)"
EXPECT = {"lose": ["one_hot"]}
CELLS = {
    "one_hot": '''def one_hot(texts, alphabet):
    """One-hot encoding of equal-length texts: float32 tensor (seq_len, batch, len(alphabet))."""
    if len(set(map(len, texts))) != 1:
        raise ValueError("the texts must have the same length")
    seq_len, batch = len(texts[0]), len(texts)
    x = torch.zeros(seq_len, batch, len(alphabet), dtype=torch.float32)
    for b in range(batch):
        for t in range(seq_len):
            x[t, b, alphabet.find(texts[b][t])] = 1.0
    return x
'''
}
