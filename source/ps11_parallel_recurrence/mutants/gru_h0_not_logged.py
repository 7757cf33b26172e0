"""Exercise 2, wrong: gives the scan h0 itself where it takes log h0, so the sequence starts from
exp(h0) instead of h0 (right only without h0)."""

EXPECT = {"lose": ["min_gru"]}
EDITS = {"min_gru": [("s + torch.log(h0).unsqueeze(1)", "s + h0.unsqueeze(1)")]}
