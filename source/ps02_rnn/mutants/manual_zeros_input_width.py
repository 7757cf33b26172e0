"""Exercise 1: the zero start state made as wide as the input (x.shape[2]) instead of hidden_size,
in the right dtype: right whenever h_0 is given, or input_size equals hidden_size, and a shape
error for a layer without h_0 whose input and hidden sizes differ (the expert's case that the
float32 entry used to name)."""

EXPECT = {"lose": ["manual_rnn"]}
EDITS = {
    "manual_rnn": [
        (
            "h = x.new_zeros(batch, rnn.hidden_size) if h_0 is None else h_0[k]",
            "h = x.new_zeros(batch, x.shape[2]) if h_0 is None else h_0[k]",
        )
    ]
}
