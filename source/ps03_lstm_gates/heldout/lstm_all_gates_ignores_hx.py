"""Always starts from zero states; a given hx is never used."""

MISTAKE = "hx ignored (always starts from zeros)"
EXPECT = {"lose": ["lstm_all_gates"]}
CELLS = {
    "lstm_all_gates": '''def lstm_all_gates(lstm, x, hx=None):
    """Gates and states at every step of a one-layer nn.LSTM; dict of (seq_len, batch, hidden)."""
    seq_len, batch, _ = x.shape
    n = lstm.hidden_size
    h = x.new_zeros(batch, n)
    c = x.new_zeros(batch, n)
    gi, gf, gg, go, cs, hs = [], [], [], [], [], []
    with torch.no_grad():
        for t in range(seq_len):
            a = x[t] @ lstm.weight_ih_l0.T + lstm.bias_ih_l0 + h @ lstm.weight_hh_l0.T + lstm.bias_hh_l0
            ai, af, ag, ao = a.chunk(4, dim=-1)
            i, f, g, o = torch.sigmoid(ai), torch.sigmoid(af), torch.tanh(ag), torch.sigmoid(ao)
            c = f * c + i * g
            h = o * torch.tanh(c)
            gi.append(i); gf.append(f); gg.append(g); go.append(o); cs.append(c); hs.append(h)
    return {"i": torch.stack(gi), "f": torch.stack(gf), "g": torch.stack(gg), "o": torch.stack(go),
            "c": torch.stack(cs), "h": torch.stack(hs)}
'''
}
