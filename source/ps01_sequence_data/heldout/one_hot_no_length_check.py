"""Takes seq_len from the first text and never checks the others, so a longer text is silently cut and texts of different lengths do not raise ValueError."""

MISTAKE = "no ValueError for texts of different lengths"
EXPECT = {"lose": ["one_hot"]}
CELLS = {
    "one_hot": '''def one_hot(texts, alphabet):
    """One-hot encoding of equal-length texts: float32 tensor (seq_len, batch, len(alphabet))."""
    seq_len = len(texts[0])
    result = torch.zeros(seq_len, len(texts), len(alphabet))
    for b, text in enumerate(texts):
        for t in range(seq_len):
            result[t, b, alphabet.index(text[t])] = 1.0
    return result
'''
}
