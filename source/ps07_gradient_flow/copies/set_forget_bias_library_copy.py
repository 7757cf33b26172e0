"""Library copy of set_forget_bias: the source of the student package's nearest code pasted as the
answer, renamed to the exercise's name; it must lose points. Nearest:
rnnlab.gradients.set_forget_bias, chapter 07's function of the same name."""

LIBRARY = {"rnnlab.gradients.set_forget_bias": "set_forget_bias"}
EXPECT = {"lose": ["set_forget_bias"]}
CELLS = {"set_forget_bias": "{library}"}
