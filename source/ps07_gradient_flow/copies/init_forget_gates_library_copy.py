"""Library copy of init_forget_gates: the source of the student package's nearest code pasted as the answer,
renamed to the exercise's name; it must lose points. Nearest: rnnlab.gradients.set_forget_bias,
chapter 07's forget-bias setter for one layer (the exercise walks a whole model)."""

LIBRARY = {"rnnlab.gradients.set_forget_bias": "init_forget_gates"}
EXPECT = {"lose": ["init_forget_gates"]}
CELLS = {"init_forget_gates": "{library}"}
