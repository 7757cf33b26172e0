"""Exercise 1: the weight gradients computed as x^T dz and h^T dz, the layout of a weight used as
x @ W, so they come out transposed: (input_size, 4 * hidden_size) instead of W_ih's shape."""

EXPECT = {"lose": ["lstm_step_backward"]}
EDITS = {"lstm_step_backward": [('"W_ih": dz.T @ x, "W_hh": dz.T @ h', '"W_ih": x.T @ dz, "W_hh": h.T @ dz')]}
