"""Exercise 4, wrong: W_hh's sum starts at the second step, as if the first step had no earlier state
to multiply: the term delta_1^T h_0 is missing. Right whenever h0 is zero."""

EXPECT = {"lose": ["rnn_backward"]}
EDITS = {
    "rnn_backward": [
        ("        dW_hh += delta.T @ h[t - 1]\n", "        if t > 1:\n            dW_hh += delta.T @ h[t - 1]\n")
    ]
}
