"""Every layer starts from zeros even when h_0 is given: the h_0 argument is never used."""

MISTAKE = "h_0 ignored (always starts from zeros)"
EXPECT = {"lose": ["manual_rnn"]}
CELLS = {
    "manual_rnn": '''def manual_rnn(rnn, x, h_0=None):
    """What rnn(x, h_0) returns, (output, h_n), computed step by step from rnn's weights."""
    f = torch.relu if rnn.nonlinearity == "relu" else torch.tanh
    inp = x
    h_n = []
    for layer in range(rnn.num_layers):
        w_ih = getattr(rnn, f"weight_ih_l{layer}")
        w_hh = getattr(rnn, f"weight_hh_l{layer}")
        bias = getattr(rnn, f"bias_ih_l{layer}") + getattr(rnn, f"bias_hh_l{layer}")
        h = x.new_zeros(x.shape[1], rnn.hidden_size)
        states = []
        for x_t in inp:
            h = f(x_t @ w_ih.t() + h @ w_hh.t() + bias)
            states.append(h)
        inp = torch.stack(states)
        h_n.append(h)
    return inp, torch.stack(h_n)
'''
}
