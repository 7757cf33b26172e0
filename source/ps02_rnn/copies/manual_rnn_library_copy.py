"""Library copy of manual_rnn: the source of the student package's nearest code pasted as the answer,
renamed to the exercise's name; it must lose points. Nearest: rnnlab.rnn.unroll, which recomputes an
nn.RNN step by step from its weights for chapter 02's widget."""

LIBRARY = {"rnnlab.rnn.unroll": "manual_rnn"}
EXPECT = {"lose": ["manual_rnn"]}
CELLS = {"manual_rnn": "{library}"}
