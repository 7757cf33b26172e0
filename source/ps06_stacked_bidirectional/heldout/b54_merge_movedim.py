"""A right answer, written with reshape to (layer, direction, ...), movedim of the direction axis next to the features, and a final reshape."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "merge_directions": '''def merge_directions(h_n, num_layers):
    """h_n (or c_n) of a bidirectional LSTM, (num_layers * 2, [batch,] size) -> (num_layers, [batch,] 2 * size):
    each layer's final forward and backward states side by side."""
    if h_n.shape[0] != num_layers * 2:
        raise ValueError(f"expected {num_layers * 2} slots in h_n, got {h_n.shape[0]}")
    rest = tuple(h_n.shape[1:])                 # (batch, size) or (size,)
    size = rest[-1]
    split = h_n.reshape(num_layers, 2, *rest)   # (layer, direction, [batch,] size)
    split = split.movedim(1, -2)                # (layer, [batch,] direction, size)
    return split.reshape(num_layers, *rest[:-1], 2 * size)
'''
}
