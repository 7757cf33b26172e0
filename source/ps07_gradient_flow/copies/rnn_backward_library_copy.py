"""Library copy of rnn_backward: the source of the student package's nearest code pasted as the answer,
renamed to the exercise's name; it must lose points. Nearest: rnnlab.bptt.rnn_backward, chapter 07's
hand-written BPTT of the same name (issue 78)."""

LIBRARY = {"rnnlab.bptt.rnn_backward": "rnn_backward"}
EXPECT = {"lose": ["rnn_backward"]}
CELLS = {"rnn_backward": "{library}"}
