"""Reads the four gate blocks in the order i, f, o, g instead of PyTorch's i, f, g, o."""

MISTAKE = "gate order i, f, o, g instead of i, f, g, o"
EXPECT = {"lose": ["lstm_all_gates"]}
CELLS = {
    "lstm_all_gates": '''def lstm_all_gates(lstm, x, hx=None):
    """Gates and states at every step of a one-layer nn.LSTM; dict of (seq_len, batch, hidden)."""
    H = lstm.hidden_size
    W_ih, W_hh = lstm.weight_ih_l0, lstm.weight_hh_l0
    b_ih, b_hh = lstm.bias_ih_l0, lstm.bias_hh_l0
    if hx is None:
        h = x.new_zeros(x.shape[1], H)
        c = x.new_zeros(x.shape[1], H)
    else:
        h, c = hx[0][0], hx[1][0]
    record = {k: [] for k in "ifgoch"}
    with torch.no_grad():
        for t in range(x.shape[0]):
            z = x[t] @ W_ih.T + b_ih + h @ W_hh.T + b_hh
            i = torch.sigmoid(z[:, :H])
            f = torch.sigmoid(z[:, H:2 * H])
            o = torch.sigmoid(z[:, 2 * H:3 * H])
            g = torch.tanh(z[:, 3 * H:])
            c = f * c + i * g
            h = o * torch.tanh(c)
            for k, v in zip("ifgoch", (i, f, g, o, c, h)):
                record[k].append(v)
    return {k: torch.stack(v) for k, v in record.items()}
'''
}
