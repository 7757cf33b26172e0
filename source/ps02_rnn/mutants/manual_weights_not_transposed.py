"""Exercise 1: the weight matrices used as they are stored (x @ W_ih, h @ W_hh) instead of
transposed: a shape error when the sizes differ, wrong values when they are equal."""

EXPECT = {"lose": ["manual_rnn"]}
EDITS = {
    "manual_rnn": [
        ("layer_input[t] @ W_ih.T + b_ih + h @ W_hh.T + b_hh", "layer_input[t] @ W_ih + b_ih + h @ W_hh + b_hh")
    ]
}
