"""A student's answer with a shape mistake on a known line."""

SHAPE_BUG = '''def manual_rnn(rnn, x, h_0=None):
    """What rnn(x, h_0) returns, computed step by step from rnn's weights."""
    seq_len, batch, _ = x.shape
    layer_input, last = x, []
    for k in range(rnn.num_layers):
        w_ih, w_hh = getattr(rnn, f"weight_ih_l{k}"), getattr(rnn, f"weight_hh_l{k}")
        b = getattr(rnn, f"bias_ih_l{k}") + getattr(rnn, f"bias_hh_l{k}")
        h = x.new_zeros(batch, rnn.hidden_size) if h_0 is None else h_0[k]
        steps = []
        for t in range(seq_len):
            h = torch.tanh(layer_input[t] @ w_ih + h @ w_hh.T + b)
            steps.append(h)
        layer_input = torch.stack(steps)
        last.append(h)
    return layer_input, torch.stack(last)
'''


SHAPE_BUG_LINE = 11  # w_ih without .T: (2x3 and 4x3)
