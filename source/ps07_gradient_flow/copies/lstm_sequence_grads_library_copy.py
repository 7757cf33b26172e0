"""Library copy of lstm_sequence_grads: the source of the student package's nearest code pasted as the answer,
renamed to the exercise's name; it must lose points. Nearest: rnnlab.bptt.rnn_backward, chapter
07's hand-written BPTT of a tanh RNN (the exercise asks for an LSTM's)."""

LIBRARY = {"rnnlab.bptt.rnn_backward": "lstm_sequence_grads"}
EXPECT = {"lose": ["lstm_sequence_grads"]}
CELLS = {"lstm_sequence_grads": "{library}"}
