"""Exercise 2, wrong: the total norm returned as a Python float (.item()), not a 0-d tensor."""

EXPECT = {"lose": ["clip_grad_norm"]}
EDITS = {"clip_grad_norm": [("    return total", "    return total.item()")]}
