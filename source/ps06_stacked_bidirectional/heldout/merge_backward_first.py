"""Put the backward state in the first half and the forward state in the second half of each entry (directions concatenated in the wrong order)."""

MISTAKE = "directions concatenated backward-first"
EXPECT = {"lose": ["merge_directions"]}
CELLS = {
    "merge_directions": """def merge_directions(h_n, num_layers):
    if h_n.size(0) != 2 * num_layers:
        raise ValueError("wrong number of layers")
    fwd = h_n[0::2]
    bwd = h_n[1::2]
    return torch.cat((bwd, fwd), dim=-1)
"""
}
