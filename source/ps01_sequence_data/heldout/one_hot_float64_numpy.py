"""Builds the encoding in a numpy array and converts it with torch.from_numpy, so the result is float64 instead of float32."""

MISTAKE = "result is float64 (numpy default) instead of float32"
EXPECT = {"lose": ["one_hot"]}
CELLS = {
    "one_hot": '''import numpy as np

def one_hot(texts, alphabet):
    """One-hot encoding of equal-length texts: float32 tensor (seq_len, batch, len(alphabet))."""
    seq_len = len(texts[0])
    for t in texts:
        if len(t) != seq_len:
            raise ValueError("all texts must have the same length")
    out = np.zeros((seq_len, len(texts), len(alphabet)))
    for b, t in enumerate(texts):
        for i, ch in enumerate(t):
            out[i, b, alphabet.index(ch)] = 1.0
    return torch.from_numpy(out)
'''
}
