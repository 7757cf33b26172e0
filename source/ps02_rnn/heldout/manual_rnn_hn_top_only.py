"""Returns only the top layer's last state as h_n, shape (1, batch, hidden), instead of one row per layer."""

MISTAKE = "h_n holds only the top layer"
EXPECT = {"lose": ["manual_rnn"]}
CELLS = {
    "manual_rnn": '''def manual_rnn(rnn, x, h_0=None):
    """What rnn(x, h_0) returns, (output, h_n), computed step by step from rnn's weights."""
    act = torch.relu if rnn.nonlinearity == "relu" else torch.tanh
    out = x
    for k in range(rnn.num_layers):
        W_ih, W_hh = getattr(rnn, f"weight_ih_l{k}"), getattr(rnn, f"weight_hh_l{k}")
        b_ih, b_hh = getattr(rnn, f"bias_ih_l{k}"), getattr(rnn, f"bias_hh_l{k}")
        h = x.new_zeros(x.size(1), rnn.hidden_size) if h_0 is None else h_0[k]
        steps = []
        for t in range(out.size(0)):
            h = act(out[t] @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
            steps.append(h)
        out = torch.stack(steps)
    return out, out[-1:]
'''
}
