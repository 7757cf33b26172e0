"""Exercise 3, wrong: top-k keeps only the values above the k-th largest (<= instead of <), so k - 1
tokens stay, and with top_k = 1 none does (the softmax of all -inf is nan)."""

EXPECT = {"lose": ["sample_tokens"]}
EDITS = {"sample_tokens": [("values.masked_fill(values < kth,", "values.masked_fill(values <= kth,")]}
