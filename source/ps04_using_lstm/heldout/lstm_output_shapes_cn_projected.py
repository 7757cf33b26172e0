"""Uses proj_size for the cell state too: c_n gets H_out = proj_size features, but the cell state is never projected and keeps hidden_size."""

MISTAKE = "c_n projected to proj_size"
EXPECT = {"lose": ["lstm_output_shapes"]}
CELLS = {
    "lstm_output_shapes": '''def lstm_output_shapes(seq_len, batch, input_size, hidden_size, num_layers=1, bidirectional=False,
                       batch_first=False, proj_size=0):
    """Shapes of output, h_n and c_n of such an nn.LSTM, as a dict of tuples (batch None: unbatched)."""
    d = 2 if bidirectional else 1
    h_out = proj_size if proj_size else hidden_size
    if batch is None:
        state = (d * num_layers, h_out)
        return {"output": (seq_len, d * h_out), "h_n": state, "c_n": state}
    out = (batch, seq_len, d * h_out) if batch_first else (seq_len, batch, d * h_out)
    state = (d * num_layers, batch, h_out)
    return {"output": out, "h_n": state, "c_n": state}
'''
}
