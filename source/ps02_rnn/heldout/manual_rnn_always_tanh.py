"""Always applies tanh, ignoring rnn.nonlinearity, so a layer built with nonlinearity='relu' is computed wrongly."""

MISTAKE = "nonlinearity ignored: tanh even for a relu RNN"
EXPECT = {"lose": ["manual_rnn"]}
CELLS = {
    "manual_rnn": '''def manual_rnn(rnn, x, h_0=None):
    """What rnn(x, h_0) returns, (output, h_n), computed step by step from rnn's weights."""
    seq_len, batch, _ = x.shape
    layer_input = x
    finals = []
    for k in range(rnn.num_layers):
        W_ih = getattr(rnn, f"weight_ih_l{k}")
        W_hh = getattr(rnn, f"weight_hh_l{k}")
        b_ih = getattr(rnn, f"bias_ih_l{k}")
        b_hh = getattr(rnn, f"bias_hh_l{k}")
        h = h_0[k] if h_0 is not None else x.new_zeros(batch, rnn.hidden_size)
        outs = []
        for t in range(seq_len):
            h = torch.tanh(layer_input[t] @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
            outs.append(h)
        layer_input = torch.stack(outs)
        finals.append(h)
    return layer_input, torch.stack(finals)
'''
}
