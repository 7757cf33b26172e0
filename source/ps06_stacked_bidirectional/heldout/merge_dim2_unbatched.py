"""Concatenated along dim=2, which only exists for a batched h_n: an unbatched h_n of shape (2*num_layers, size) fails instead of counting dimensions from the end."""

MISTAKE = "concatenates on fixed dim 2, breaks unbatched input"
EXPECT = {"lose": ["merge_directions"]}
CELLS = {
    "merge_directions": """def merge_directions(h_n, num_layers):
    if h_n.shape[0] != 2 * num_layers:
        raise ValueError("expected 2 * num_layers states")
    layers = []
    for k in range(num_layers):
        layers.append(torch.cat([h_n[2 * k], h_n[2 * k + 1]], dim=1))
    return torch.stack(layers, dim=0) if h_n.dim() == 3 else torch.stack(layers, dim=0).view(num_layers, -1)
"""
}
