"""Builds the mask with <= instead of <, so the first padded position (index lengths[b]) is treated as real."""

MISTAKE = "mask off by one (<=)"
EXPECT = {"lose": ["attention_weights"]}
CELLS = {
    "attention_weights": '''def attention_weights(query, keys, lengths):
    """(B, S) softmax of q . k_i / sqrt(H) over each row's real positions; 0 at padding."""
    B, S, H = keys.shape
    if (lengths < 1).any() or (lengths > S).any():
        raise ValueError(f"every length must be between 1 and S = {S}, got {lengths.tolist()}")
    scores = (keys @ query.unsqueeze(-1)).squeeze(-1) / math.sqrt(H)
    real = torch.arange(S, device=keys.device) <= lengths.unsqueeze(1)
    scores = scores.masked_fill(~real, float("-inf"))
    return torch.softmax(scores, dim=-1)
'''
}
