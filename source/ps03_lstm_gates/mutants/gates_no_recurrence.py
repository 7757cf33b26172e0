"""Exercise 2, wrong: the recurrent term h @ W_hh^T left out of the pre-activation, so each step
sees only its input (the biases are kept)."""

EXPECT = {"lose": ["lstm_all_gates"]}
EDITS = {"lstm_all_gates": [(" + h @ lstm.weight_hh_l0.T", "")]}
