"""Exercise 4, wrong: only the last step's grad_output is used, as in the lecture's loss on the last
state: the loss's direct parts at the earlier steps are dropped."""

EXPECT = {"lose": ["rnn_backward"]}
EDITS = {
    "rnn_backward": [
        ("delta = (grad_output[t - 1] + from_later)", "delta = ((grad_output[-1] if t == T else 0) + from_later)")
    ]
}
