"""Adds only bias_ih and forgets bias_hh in the update."""

MISTAKE = "bias_hh left out"
EXPECT = {"lose": ["manual_rnn"]}
CELLS = {
    "manual_rnn": '''def manual_rnn(rnn, x, h_0=None):
    """What rnn(x, h_0) returns, (output, h_n), computed step by step from rnn's weights."""
    act = torch.relu if rnn.nonlinearity == "relu" else torch.tanh
    T, B, _ = x.shape
    seq = x
    last = []
    for k in range(rnn.num_layers):
        W_ih = getattr(rnn, f"weight_ih_l{k}")
        W_hh = getattr(rnn, f"weight_hh_l{k}")
        b = getattr(rnn, f"bias_ih_l{k}")
        h = x.new_zeros(B, rnn.hidden_size) if h_0 is None else h_0[k]
        hs = []
        for t in range(T):
            h = act(seq[t] @ W_ih.T + h @ W_hh.T + b)
            hs.append(h)
        seq = torch.stack(hs, dim=0)
        last.append(h)
    return seq, torch.stack(last, dim=0)
'''
}
