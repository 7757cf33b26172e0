"""Checks the number of slots with assert, which raises an AssertionError rather than the ValueError the exercise asks for."""

MISTAKE = "assert instead of ValueError"
EXPECT = {"lose": ["merge_directions"]}
CELLS = {
    "merge_directions": """def merge_directions(h_n, num_layers):
    assert h_n.shape[0] == 2 * num_layers, "h_n must have 2 * num_layers slots"
    out = []
    for layer in range(num_layers):
        f = h_n[2 * layer]
        b = h_n[2 * layer + 1]
        out.append(torch.cat([f, b], dim=-1))
    return torch.stack(out)
"""
}
