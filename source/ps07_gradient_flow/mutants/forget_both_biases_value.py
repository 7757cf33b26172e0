"""Exercise 3, wrong: both biases' forget blocks set to value, so the forget gate's bias, their
sum, is 2 * value."""

EXPECT = {"lose": ["init_forget_gates"]}
EDITS = {"init_forget_gates": [("                    p[H:2 * H] = 0.0", "                    p[H:2 * H] = value")]}
