"""Computes the weights inside torch.no_grad(), so they are not connected to query and keys and a model cannot be trained through them."""

MISTAKE = "computed under no_grad: not differentiable"
EXPECT = {"lose": ["attention_weights"]}
CELLS = {
    "attention_weights": """def attention_weights(query, keys, lengths):
    B, S, H = keys.shape
    if (lengths < 1).any() or (lengths > S).any():
        raise ValueError("every length must be in 1..S")
    with torch.no_grad():
        scores = (keys @ query.unsqueeze(-1)).squeeze(-1) / math.sqrt(H)
        mask = torch.arange(S) < lengths[:, None]
        scores[~mask] = float("-inf")
        weights = torch.softmax(scores, dim=-1)
    return weights
"""
}
