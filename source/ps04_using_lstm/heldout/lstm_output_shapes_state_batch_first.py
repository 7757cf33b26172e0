"""Applies batch_first to h_n and c_n as well, (batch, layers * D, H); the states are never batch first."""

MISTAKE = "h_n and c_n laid out batch first when batch_first=True"
EXPECT = {"lose": ["lstm_output_shapes"]}
CELLS = {
    "lstm_output_shapes": '''def lstm_output_shapes(seq_len, batch, input_size, hidden_size, num_layers=1, bidirectional=False,
                       batch_first=False, proj_size=0):
    """Shapes of output, h_n and c_n of such an nn.LSTM, as a dict of tuples (batch None: unbatched)."""
    D = 2 if bidirectional else 1
    Hout = proj_size if proj_size > 0 else hidden_size
    n = D * num_layers
    if batch is None:
        return {"output": (seq_len, D * Hout), "h_n": (n, Hout), "c_n": (n, hidden_size)}
    if batch_first:
        return {"output": (batch, seq_len, D * Hout), "h_n": (batch, n, Hout), "c_n": (batch, n, hidden_size)}
    return {"output": (seq_len, batch, D * Hout), "h_n": (n, batch, Hout), "c_n": (n, batch, hidden_size)}
'''
}
