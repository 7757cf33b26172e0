"""Exercise 4, wrong: each step's delta from its own grad_output only, nothing flowing back from the
later steps (and so no gradient reaching h0)."""

EXPECT = {"lose": ["rnn_backward"]}
EDITS = {
    "rnn_backward": [
        ("delta = (grad_output[t - 1] + from_later) * (1 - h[t] ** 2)", "delta = grad_output[t - 1] * (1 - h[t] ** 2)")
    ]
}
