"""Exercise 4, wrong: the path from h_t to c_t through tanh taken without tanh's derivative."""

EXPECT = {"lose": ["lstm_sequence_grads"]}
EDITS = {"lstm_sequence_grads": [("dc = dc_later + dh * o * (1 - tanh_c ** 2)", "dc = dc_later + dh * o")]}
