"""Library copy of gru_forward: the source of the student package's nearest code pasted as the answer,
renamed to the exercise's name; it must lose points. Nearest: rnnlab.language_model.gru_step, one
GRU step from its weights."""

LIBRARY = {"rnnlab.language_model.gru_step": "gru_forward"}
EXPECT = {"lose": ["gru_forward"]}
CELLS = {"gru_forward": "{library}"}
