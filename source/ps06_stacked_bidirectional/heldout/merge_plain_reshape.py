"""Reshaped h_n straight to (num_layers, batch, 2*size): the forward and backward states of one layer are not neighbours in memory, so the sequences of the batch get mixed up."""

MISTAKE = "plain reshape mixes the batch"
EXPECT = {"lose": ["merge_directions"]}
CELLS = {
    "merge_directions": """def merge_directions(h_n, num_layers):
    if h_n.shape[0] != 2 * num_layers:
        raise ValueError("first dimension of h_n must be 2 * num_layers")
    rest = list(h_n.shape[1:])
    rest[-1] = rest[-1] * 2
    return h_n.reshape(num_layers, *rest)
"""
}
