"""Exercise 4, wrong: delta_t taken as the full dL/dh_t, the derivative of tanh (1 - h_t^2) left out
on the way from h_t to the step's pre-activation."""

EXPECT = {"lose": ["rnn_backward"]}
EDITS = {
    "rnn_backward": [
        ("delta = (grad_output[t - 1] + from_later) * (1 - h[t] ** 2)", "delta = grad_output[t - 1] + from_later")
    ]
}
