"""Exercise 1: the gradient that reaches c_new is taken as grad_c_new alone; the path from h_new
back to c_new (through o and the tanh) is dropped. Right whenever grad_h_new is zero."""

EXPECT = {"lose": ["lstm_step_backward"]}
EDITS = {"lstm_step_backward": [("d_c_new = grad_c_new + grad_h_new * o * (1 - tanh_c ** 2)", "d_c_new = grad_c_new")]}
