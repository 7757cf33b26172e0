"""Records h and c before updating them, so entry t holds the state before step t (the initial state first) instead of the state after step t."""

MISTAKE = "states recorded before the update (off by one in time)"
EXPECT = {"lose": ["lstm_all_gates"]}
CELLS = {
    "lstm_all_gates": '''def lstm_all_gates(lstm, x, hx=None):
    """Gates and states at every step of a one-layer nn.LSTM; dict of (seq_len, batch, hidden)."""
    H = lstm.hidden_size
    batch = x.shape[1]
    if hx is None:
        h, c = x.new_zeros(batch, H), x.new_zeros(batch, H)
    else:
        h, c = hx[0][0], hx[1][0]
    out = {k: [] for k in ["i", "f", "g", "o", "c", "h"]}
    with torch.no_grad():
        for x_t in x:
            out["h"].append(h)
            out["c"].append(c)
            z = x_t @ lstm.weight_ih_l0.T + lstm.bias_ih_l0 + h @ lstm.weight_hh_l0.T + lstm.bias_hh_l0
            i, f, g, o = z.chunk(4, dim=1)
            i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
            out["i"].append(i); out["f"].append(f); out["g"].append(g); out["o"].append(o)
            c = f * c + i * g
            h = o * c.tanh()
    return {k: torch.stack(v) for k, v in out.items()}
'''
}
