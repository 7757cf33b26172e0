"""Checks only that the number of slots is even and takes the number of layers from h_n, so a wrong num_layers or a one-direction LSTM of an even number of layers gives a result instead of a ValueError."""

MISTAKE = "checks parity only, ignores num_layers"
EXPECT = {"lose": ["merge_directions"]}
CELLS = {
    "merge_directions": '''def merge_directions(h_n, num_layers):
    """h_n (or c_n) of a bidirectional LSTM, (num_layers * 2, [batch,] size) -> (num_layers, [batch,] 2 * size):
    each layer's final forward and backward states side by side."""
    if h_n.shape[0] % 2 != 0:
        raise ValueError("h_n of a bidirectional LSTM has an even number of slots")
    layers = h_n.shape[0] // 2
    out = []
    for k in range(layers):
        out.append(torch.cat([h_n[2 * k], h_n[2 * k + 1]], dim=-1))
    return torch.stack(out)
'''
}
