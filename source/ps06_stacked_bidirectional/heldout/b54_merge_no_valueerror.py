"""Has no check of the first dimension: a wrong num_layers or a one-direction h_n fails inside view with a RuntimeError, not the ValueError the text asks for."""

MISTAKE = "no ValueError: view raises RuntimeError"
EXPECT = {"lose": ["merge_directions"]}
CELLS = {
    "merge_directions": '''def merge_directions(h_n, num_layers):
    """h_n (or c_n) of a bidirectional LSTM, (num_layers * 2, [batch,] size) -> (num_layers, [batch,] 2 * size):
    each layer's final forward and backward states side by side."""
    split = h_n.view(num_layers, 2, *h_n.shape[1:])    # (layer, direction, [batch,] size)
    return torch.cat([split[:, 0], split[:, 1]], dim=-1)
'''
}
