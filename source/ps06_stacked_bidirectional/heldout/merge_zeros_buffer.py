"""Preallocates the result with torch.zeros(...) and fills it in: the buffer is float32 whatever the dtype of h_n, so float64 states come back as float32 (and the spec forbids filling a new tensor)."""

MISTAKE = "new float32 buffer, dtype of h_n lost"
EXPECT = {"lose": ["merge_directions"]}
CELLS = {
    "merge_directions": """def merge_directions(h_n, num_layers):
    if h_n.shape[0] != 2 * num_layers:
        raise ValueError("h_n does not come from a bidirectional LSTM with num_layers layers")
    size = h_n.shape[-1]
    result = torch.zeros(num_layers, *h_n.shape[1:-1], 2 * size)
    for k in range(num_layers):
        result[k, ..., :size] = h_n[2 * k]
        result[k, ..., size:] = h_n[2 * k + 1]
    return result
"""
}
