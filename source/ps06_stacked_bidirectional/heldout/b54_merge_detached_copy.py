"""Works on h_n.detach().clone() to be sure not to change h_n, which cuts the graph: the result does not require grad and no gradient reaches h_n."""

MISTAKE = "detach().clone() breaks the gradient"
EXPECT = {"lose": ["merge_directions"]}
CELLS = {
    "merge_directions": '''def merge_directions(h_n, num_layers):
    """h_n (or c_n) of a bidirectional LSTM, (num_layers * 2, [batch,] size) -> (num_layers, [batch,] 2 * size):
    each layer's final forward and backward states side by side."""
    if h_n.shape[0] != 2 * num_layers:
        raise ValueError("h_n must have 2 * num_layers slots")
    h = h_n.detach().clone()          # work on a copy, leave h_n as it was
    h = h.view(num_layers, 2, *h.shape[1:])
    return torch.cat([h[:, 0], h[:, 1]], dim=-1)
'''
}
