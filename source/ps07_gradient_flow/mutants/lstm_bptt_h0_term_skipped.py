"""Exercise 4, wrong: W_hh's sum over the steps started at the second step, so the first step's
term, which reads h0, is missing. With a zero h0 the term is zero and the mistake does not show."""

EXPECT = {"lose": ["lstm_sequence_grads"]}
EDITS = {"lstm_sequence_grads": [("dW_hh += dz.T @ h[t - 1]", "dW_hh += dz.T @ h[t - 1] if t > 1 else 0")]}
