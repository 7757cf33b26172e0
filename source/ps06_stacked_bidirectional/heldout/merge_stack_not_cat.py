"""Joined the two directions with torch.stack instead of torch.cat, giving an extra dimension of 2 instead of 2 * size features."""

MISTAKE = "stack instead of cat"
EXPECT = {"lose": ["merge_directions"]}
CELLS = {
    "merge_directions": """def merge_directions(h_n, num_layers):
    if h_n.shape[0] != 2 * num_layers:
        raise ValueError("h_n has the wrong number of slots")
    split = h_n.view(num_layers, 2, *h_n.shape[1:])
    return torch.stack([split[:, 0], split[:, 1]], dim=-1)
"""
}
