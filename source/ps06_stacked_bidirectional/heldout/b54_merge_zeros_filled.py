"""Builds the result in torch.zeros(...) without a dtype and fills it slice by slice, so a float64 h_n gives a float32 result."""

MISTAKE = "new zeros tensor in default dtype"
EXPECT = {"lose": ["merge_directions"]}
CELLS = {
    "merge_directions": '''def merge_directions(h_n, num_layers):
    """h_n (or c_n) of a bidirectional LSTM, (num_layers * 2, [batch,] size) -> (num_layers, [batch,] 2 * size):
    each layer's final forward and backward states side by side."""
    if h_n.shape[0] != 2 * num_layers:
        raise ValueError("h_n must have 2 * num_layers slots")
    size = h_n.shape[-1]
    out = torch.zeros(num_layers, *h_n.shape[1:-1], 2 * size)
    for k in range(num_layers):
        out[k, ..., :size] = h_n[2 * k]
        out[k, ..., size:] = h_n[2 * k + 1]
    return out
'''
}
