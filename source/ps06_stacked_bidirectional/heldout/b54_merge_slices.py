"""A right answer, written with strided slices of h_n (even slots forward, odd slots backward) and torch.cat."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "merge_directions": '''def merge_directions(h_n, num_layers):
    """h_n (or c_n) of a bidirectional LSTM, (num_layers * 2, [batch,] size) -> (num_layers, [batch,] 2 * size):
    each layer's final forward and backward states side by side."""
    if h_n.shape[0] != 2 * num_layers:
        raise ValueError(f"h_n has {h_n.shape[0]} slots, expected 2 * num_layers = {2 * num_layers}")
    forward = h_n[0::2]      # slots 0, 2, 4, ...: forward direction of layers 0, 1, 2, ...
    backward = h_n[1::2]     # slots 1, 3, 5, ...: backward direction
    return torch.cat([forward, backward], dim=-1)
'''
}
