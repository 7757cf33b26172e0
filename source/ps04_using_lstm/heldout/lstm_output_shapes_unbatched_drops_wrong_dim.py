"""Builds the batched output shape and, for an unbatched input, always deletes position 1 (the batch position of the time-first layout), so with batch_first=True it deletes the time dimension instead of the batch dimension."""

MISTAKE = "unbatched + batch_first: removes the time dimension from output"
EXPECT = {"lose": ["lstm_output_shapes"]}
CELLS = {
    "lstm_output_shapes": '''def lstm_output_shapes(seq_len, batch, input_size, hidden_size, num_layers=1, bidirectional=False,
                       batch_first=False, proj_size=0):
    """Shapes of output, h_n and c_n of such an nn.LSTM, as a dict of tuples (batch None: unbatched)."""
    D = 2 if bidirectional else 1
    H_out = proj_size if proj_size > 0 else hidden_size
    unbatched = batch is None
    b = 1 if unbatched else batch
    output = [b, seq_len, D * H_out] if batch_first else [seq_len, b, D * H_out]
    h_n = [D * num_layers, b, H_out]
    c_n = [D * num_layers, b, hidden_size]
    if unbatched:
        del output[1], h_n[1], c_n[1]
    return {"output": tuple(output), "h_n": tuple(h_n), "c_n": tuple(c_n)}
'''
}
