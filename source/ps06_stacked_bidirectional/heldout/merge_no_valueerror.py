"""Never checks that the first dimension is 2 * num_layers, so a wrong num_layers or a one-direction h_n is silently merged instead of raising a ValueError."""

MISTAKE = "missing ValueError for wrong first dimension"
EXPECT = {"lose": ["merge_directions"]}
CELLS = {
    "merge_directions": """def merge_directions(h_n, num_layers):
    both = h_n.view(-1, 2, *h_n.shape[1:])
    return torch.cat([both[:, 0], both[:, 1]], dim=-1)
"""
}
