"""Exercise 4: right values, but it adds what flows back into the caller's grad_output in place, so
the caller's tensor holds other values afterwards. Only a test that checks the inputs sees it."""

EXPECT = {"lose": ["rnn_backward_hidden"]}
EDITS = {
    "rnn_backward": [
        (
            "delta = (grad_output[t - 1] + from_later) * (1 - h[t] ** 2)",
            "delta = grad_output[t - 1].add_(from_later) * (1 - h[t] ** 2)",
        )
    ]
}
