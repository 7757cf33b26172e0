"""Exercise 3, wrong: both biases' forget blocks set to value, so the forget gate's bias, their
sum, is 2 * value."""

EXPECT = {"lose": ["set_forget_bias"]}
EDITS = {"set_forget_bias": [("                    p[H:2 * H] = 0.0", "                    p[H:2 * H] = value")]}
