"""Reshapes (2L, batch, size) straight to (L, batch, 2 * size) without moving the direction axis, which pairs rows of different sequences; right only for a batch of one or an unbatched h_n."""

MISTAKE = "reshape without permuting: batch rows mixed"
EXPECT = {"lose": ["merge_directions"]}
CELLS = {
    "merge_directions": '''def merge_directions(h_n, num_layers):
    """h_n (or c_n) of a bidirectional LSTM, (num_layers * 2, [batch,] size) -> (num_layers, [batch,] 2 * size):
    each layer's final forward and backward states side by side."""
    if h_n.shape[0] != 2 * num_layers:
        raise ValueError("wrong number of layers")
    size = h_n.shape[-1]
    return h_n.reshape(num_layers, *h_n.shape[1:-1], 2 * size)
'''
}
