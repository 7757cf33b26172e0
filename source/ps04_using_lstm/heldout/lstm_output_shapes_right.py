"""Correct: D and H_out, batch_first only for output, c_n never projected, unbatched drops the batch dimension."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "lstm_output_shapes": '''def lstm_output_shapes(seq_len, batch, input_size, hidden_size, num_layers=1, bidirectional=False,
                       batch_first=False, proj_size=0):
    """Shapes of output, h_n and c_n of such an nn.LSTM, as a dict of tuples (batch None: unbatched)."""
    D = 2 if bidirectional else 1
    H_out = proj_size if proj_size > 0 else hidden_size
    if batch is None:
        return {"output": (seq_len, D * H_out), "h_n": (D * num_layers, H_out), "c_n": (D * num_layers, hidden_size)}
    output = (batch, seq_len, D * H_out) if batch_first else (seq_len, batch, D * H_out)
    return {"output": output, "h_n": (D * num_layers, batch, H_out), "c_n": (D * num_layers, batch, hidden_size)}
'''
}
