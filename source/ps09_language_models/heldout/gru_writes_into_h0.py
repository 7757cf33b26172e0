"""Stores each layer's final state by writing into h0 (h_n = h0; h_n[k] = h), which changes the caller's initial state tensor in place."""

MISTAKE = "caller's h0 changed in place"
EXPECT = {"lose": ["gru_forward"]}
CELLS = {
    "gru_forward": """def gru_forward(gru, x, h0=None):
    num_layers, hidden = gru.num_layers, gru.hidden_size
    seq_len, batch = x.shape[0], x.shape[1]
    with torch.no_grad():
        h_n = h0 if h0 is not None else torch.zeros(num_layers, batch, hidden, dtype=x.dtype)
        inp = x
        for layer in range(num_layers):
            w_ih = getattr(gru, "weight_ih_l%d" % layer)
            w_hh = getattr(gru, "weight_hh_l%d" % layer)
            b_ih = getattr(gru, "bias_ih_l%d" % layer)
            b_hh = getattr(gru, "bias_hh_l%d" % layer)
            h = h_n[layer].clone()
            seq = []
            for t in range(seq_len):
                gi = inp[t] @ w_ih.T + b_ih
                gh = h @ w_hh.T + b_hh
                r = torch.sigmoid(gi[:, :hidden] + gh[:, :hidden])
                z = torch.sigmoid(gi[:, hidden:2 * hidden] + gh[:, hidden:2 * hidden])
                n = torch.tanh(gi[:, 2 * hidden:] + r * gh[:, 2 * hidden:])
                h = (1 - z) * n + z * h
                seq.append(h)
            h_n[layer] = h
            inp = torch.stack(seq)
        return inp, h_n
"""
}
