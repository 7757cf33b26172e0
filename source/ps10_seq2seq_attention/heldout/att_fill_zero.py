"""Fills the padded scores with 0 instead of -inf before the softmax, so the padding still gets a weight of exp(0)."""

MISTAKE = "padding filled with 0 instead of -inf"
EXPECT = {"lose": ["attention_weights"]}
CELLS = {
    "attention_weights": """def attention_weights(query, keys, lengths):
    B, S, H = keys.shape
    if lengths.min() < 1 or lengths.max() > S:
        raise ValueError("a length is out of range")
    scores = torch.bmm(keys, query.unsqueeze(2)).squeeze(2) / math.sqrt(H)
    pad = torch.arange(S).expand(B, S) >= lengths.unsqueeze(1)
    scores = scores.masked_fill(pad, 0.0)
    return scores.softmax(dim=1)
"""
}
