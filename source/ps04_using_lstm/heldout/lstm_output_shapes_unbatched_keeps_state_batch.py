"""For an unbatched input only the output loses its batch dimension; h_n and c_n are given a batch dimension of 1, (layers * D, 1, H)."""

MISTAKE = "unbatched: h_n and c_n keep a batch dimension of 1"
EXPECT = {"lose": ["lstm_output_shapes"]}
CELLS = {
    "lstm_output_shapes": '''def lstm_output_shapes(seq_len, batch, input_size, hidden_size, num_layers=1, bidirectional=False,
                       batch_first=False, proj_size=0):
    """Shapes of output, h_n and c_n of such an nn.LSTM, as a dict of tuples (batch None: unbatched)."""
    D = 2 if bidirectional else 1
    H_out = proj_size if proj_size > 0 else hidden_size
    if batch is None:
        output = (seq_len, D * H_out)
        batch = 1
    elif batch_first:
        output = (batch, seq_len, D * H_out)
    else:
        output = (seq_len, batch, D * H_out)
    return {"output": output, "h_n": (D * num_layers, batch, H_out), "c_n": (D * num_layers, batch, hidden_size)}
'''
}
