"""Assumed h_n stores all forward layers first and then all backward layers (direction-major), so layer k is paired with the wrong slots."""

MISTAKE = "h_n layout read as direction-major"
EXPECT = {"lose": ["merge_directions"]}
CELLS = {
    "merge_directions": """def merge_directions(h_n, num_layers):
    if h_n.shape[0] != num_layers * 2:
        raise ValueError("h_n must have num_layers * 2 entries")
    forward = h_n[:num_layers]
    backward = h_n[num_layers:]
    return torch.cat([forward, backward], dim=-1)
"""
}
