"""The first dimension of h_n and c_n is num_layers; it should be num_layers times the number of directions."""

MISTAKE = "h_n/c_n first dimension ignores bidirectional"
EXPECT = {"lose": ["lstm_output_shapes"]}
CELLS = {
    "lstm_output_shapes": '''def lstm_output_shapes(seq_len, batch, input_size, hidden_size, num_layers=1, bidirectional=False,
                       batch_first=False, proj_size=0):
    """Shapes of output, h_n and c_n of such an nn.LSTM, as a dict of tuples (batch None: unbatched)."""
    directions = 2 if bidirectional else 1
    h_out = proj_size if proj_size > 0 else hidden_size
    shapes = {}
    if batch is None:
        shapes["output"] = (seq_len, directions * h_out)
        shapes["h_n"] = (num_layers, h_out)
        shapes["c_n"] = (num_layers, hidden_size)
    else:
        shapes["output"] = (batch, seq_len, directions * h_out) if batch_first else (seq_len, batch, directions * h_out)
        shapes["h_n"] = (num_layers, batch, h_out)
        shapes["c_n"] = (num_layers, batch, hidden_size)
    return shapes
'''
}
