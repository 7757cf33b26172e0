"""Stacks forward and backward on a new last axis and flattens it, which interleaves the features (f0, b0, f1, b1, ...) instead of putting forward first and backward last."""

MISTAKE = "stack+flatten interleaves features"
EXPECT = {"lose": ["merge_directions"]}
CELLS = {
    "merge_directions": '''def merge_directions(h_n, num_layers):
    """h_n (or c_n) of a bidirectional LSTM, (num_layers * 2, [batch,] size) -> (num_layers, [batch,] 2 * size):
    each layer's final forward and backward states side by side."""
    if h_n.shape[0] != 2 * num_layers:
        raise ValueError("h_n must have 2 * num_layers slots")
    forward, backward = h_n[0::2], h_n[1::2]
    return torch.stack([forward, backward], dim=-1).flatten(-2)
'''
}
