"""Detaches h_n before merging (to be sure not to change it), which cuts the gradient path from the decoder back to the encoder."""

MISTAKE = "detach breaks gradient flow"
EXPECT = {"lose": ["merge_directions"]}
CELLS = {
    "merge_directions": """def merge_directions(h_n, num_layers):
    if h_n.shape[0] != 2 * num_layers:
        raise ValueError("h_n.shape[0] should be 2 * num_layers")
    h = h_n.detach().clone()
    h = h.view(num_layers, 2, *h.shape[1:])
    return torch.cat([h[:, 0], h[:, 1]], dim=-1)
"""
}
