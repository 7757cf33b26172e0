"""Exercise 1: the forget gate's gradient multiplied by the new cell state c_new instead of the
old c that the gate multiplies."""

EXPECT = {"lose": ["lstm_step_backward"]}
EDITS = {
    "lstm_step_backward": [
        (
            "d_i, d_f, d_g = d_c_new * g, d_c_new * c, d_c_new * i",
            "d_i, d_f, d_g = d_c_new * g, d_c_new * c_new, d_c_new * i",
        )
    ]
}
