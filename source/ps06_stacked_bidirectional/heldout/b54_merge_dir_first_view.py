"""Reads h_n as (direction, layer) instead of (layer, direction): view(2, num_layers, ...), so for two or more layers each entry mixes slots of different layers."""

MISTAKE = "wrong view: direction before layer"
EXPECT = {"lose": ["merge_directions"]}
CELLS = {
    "merge_directions": '''def merge_directions(h_n, num_layers):
    """h_n (or c_n) of a bidirectional LSTM, (num_layers * 2, [batch,] size) -> (num_layers, [batch,] 2 * size):
    each layer's final forward and backward states side by side."""
    if h_n.shape[0] != 2 * num_layers:
        raise ValueError("h_n must have 2 * num_layers slots")
    split = h_n.view(2, num_layers, *h_n.shape[1:])   # forward slots, then backward slots
    return torch.cat([split[0], split[1]], dim=-1)
'''
}
