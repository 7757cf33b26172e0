"""A correct answer: split the directions with a view along the first dimension, then join them along the last."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "merge_directions": '''def merge_directions(h_n, num_layers):
    """h_n (or c_n) of a bidirectional LSTM, (num_layers * 2, [batch,] size) -> (num_layers, [batch,] 2 * size):
    each layer's final forward and backward states side by side."""
    if h_n.shape[0] != 2 * num_layers:
        raise ValueError(f"h_n has {h_n.shape[0]} slots, expected 2 * num_layers = {2 * num_layers}")
    split = h_n.view(num_layers, 2, *h_n.shape[1:])
    return torch.cat([split[:, 0], split[:, 1]], dim=-1)
'''
}
