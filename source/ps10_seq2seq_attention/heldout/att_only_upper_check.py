"""Checks only that no length is above S; a length of 0 (or negative) is not rejected with a ValueError."""

MISTAKE = "length below 1 not rejected"
EXPECT = {"lose": ["attention_weights"]}
CELLS = {
    "attention_weights": """def attention_weights(query, keys, lengths):
    S, H = keys.shape[1], keys.shape[2]
    if lengths.max().item() > S:
        raise ValueError("a length is longer than S")
    scores = (keys * query.unsqueeze(1)).sum(-1) / math.sqrt(H)
    positions = torch.arange(S).unsqueeze(0)
    scores = scores.masked_fill(positions >= lengths.unsqueeze(1), float("-inf"))
    return torch.softmax(scores, dim=-1)
"""
}
