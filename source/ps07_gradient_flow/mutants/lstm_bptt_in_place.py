"""Exercise 4: right values, but it adds what flows back into the caller's grad_output in place, so
the caller's tensor holds other values afterwards. Only a test that checks the inputs sees it."""

EXPECT = {"lose": ["lstm_sequence_grads_hidden"]}
EDITS = {"lstm_sequence_grads": [("dh = grad_output[t - 1] + dh_later", "dh = grad_output[t - 1].add_(dh_later)")]}
