"""Collects the final states by writing them into h_0 itself (h_n = h_0; h_n[k] = h), which changes the caller's h_0 tensor in place."""

MISTAKE = "overwrites the caller's h_0 in place"
EXPECT = {"lose": ["manual_rnn"]}
CELLS = {
    "manual_rnn": '''def manual_rnn(rnn, x, h_0=None):
    """What rnn(x, h_0) returns, (output, h_n), computed step by step from rnn's weights."""
    act = torch.relu if rnn.nonlinearity == "relu" else torch.tanh
    L, N = x.shape[0], x.shape[1]
    if h_0 is None:
        h_n = x.new_zeros(rnn.num_layers, N, rnn.hidden_size)
    else:
        h_n = h_0
    layer_in = x
    for k in range(rnn.num_layers):
        W_ih = getattr(rnn, f"weight_ih_l{k}")
        W_hh = getattr(rnn, f"weight_hh_l{k}")
        b = getattr(rnn, f"bias_ih_l{k}") + getattr(rnn, f"bias_hh_l{k}")
        h = h_n[k].clone()
        outputs = []
        for t in range(L):
            h = act(layer_in[t] @ W_ih.T + h @ W_hh.T + b)
            outputs.append(h)
        layer_in = torch.stack(outputs)
        h_n[k] = h
    return layer_in, h_n
'''
}
