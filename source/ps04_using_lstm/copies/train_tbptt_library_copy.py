"""Library copy of train_tbptt: the source of the student package's nearest code pasted as the answer,
renamed to the exercise's name; it must lose points. Nearest: rnnlab.language_model.train_lm,
chapter 09's truncated-BPTT training loop over streams."""

LIBRARY = {"rnnlab.language_model.train_lm": "train_tbptt"}
EXPECT = {"lose": ["train_tbptt"]}
CELLS = {"train_tbptt": "{library}"}
