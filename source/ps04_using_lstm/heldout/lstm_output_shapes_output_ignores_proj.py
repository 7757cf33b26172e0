"""Projects only h_n: the output keeps hidden_size features per direction, although output holds the (projected) hidden states."""

MISTAKE = "output features ignore proj_size"
EXPECT = {"lose": ["lstm_output_shapes"]}
CELLS = {
    "lstm_output_shapes": '''def lstm_output_shapes(seq_len, batch, input_size, hidden_size, num_layers=1, bidirectional=False,
                       batch_first=False, proj_size=0):
    """Shapes of output, h_n and c_n of such an nn.LSTM, as a dict of tuples (batch None: unbatched)."""
    num_dir = 2 if bidirectional else 1
    h_size = proj_size if proj_size > 0 else hidden_size
    feats = num_dir * hidden_size
    if batch is None:
        return {"output": (seq_len, feats), "h_n": (num_dir * num_layers, h_size),
                "c_n": (num_dir * num_layers, hidden_size)}
    if batch_first:
        output = (batch, seq_len, feats)
    else:
        output = (seq_len, batch, feats)
    return {"output": output, "h_n": (num_dir * num_layers, batch, h_size),
            "c_n": (num_dir * num_layers, batch, hidden_size)}
'''
}
