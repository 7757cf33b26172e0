"""Concatenates along dim=2, the feature axis of a batched h_n only, so an unbatched h_n of shape (2L, size) raises an IndexError."""

MISTAKE = "only batched h_n: cat on dim=2"
EXPECT = {"lose": ["merge_directions"]}
CELLS = {
    "merge_directions": '''def merge_directions(h_n, num_layers):
    """h_n (or c_n) of a bidirectional LSTM, (num_layers * 2, [batch,] size) -> (num_layers, [batch,] 2 * size):
    each layer's final forward and backward states side by side."""
    if h_n.shape[0] != 2 * num_layers:
        raise ValueError("h_n must have 2 * num_layers slots")
    return torch.cat([h_n[0::2], h_n[1::2]], dim=2)
'''
}
