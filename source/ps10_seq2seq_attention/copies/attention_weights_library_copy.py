"""Library copy of attention_weights: the source of the student package's nearest code pasted as the
answer, renamed to the exercise's name; it must lose points. Nearest: rnnlab.seq2seq.masked_softmax,
the softmax over real positions that chapter 10's attention uses."""

LIBRARY = {"rnnlab.seq2seq.masked_softmax": "attention_weights"}
EXPECT = {"lose": ["attention_weights"]}
CELLS = {"attention_weights": "{library}"}
