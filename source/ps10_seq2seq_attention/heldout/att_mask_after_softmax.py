"""Takes the softmax over all S positions and then zeroes the padded ones, without renormalising, so the rows with padding no longer sum to 1."""

MISTAKE = "mask applied after softmax, no renormalisation"
EXPECT = {"lose": ["attention_weights"]}
CELLS = {
    "attention_weights": """def attention_weights(query, keys, lengths):
    B, S, H = keys.shape
    if (lengths < 1).any() or (lengths > S).any():
        raise ValueError("lengths must be between 1 and S")
    scores = torch.einsum("bsh,bh->bs", keys, query) / math.sqrt(H)
    weights = torch.softmax(scores, dim=1)
    mask = torch.arange(S).unsqueeze(0) < lengths.unsqueeze(1)
    return weights * mask
"""
}
