"""A right answer, written with a loop over layers that concatenates slots 2k and 2k+1 and stacks the results."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "merge_directions": '''def merge_directions(h_n, num_layers):
    """h_n (or c_n) of a bidirectional LSTM, (num_layers * 2, [batch,] size) -> (num_layers, [batch,] 2 * size):
    each layer's final forward and backward states side by side."""
    if h_n.size(0) != num_layers * 2:
        raise ValueError("the first dimension of h_n must be 2 * num_layers")
    layers = []
    for k in range(num_layers):
        fwd = h_n[2 * k]
        bwd = h_n[2 * k + 1]
        layers.append(torch.cat((fwd, bwd), dim=fwd.dim() - 1))
    return torch.stack(layers, dim=0)
'''
}
