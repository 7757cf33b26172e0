"""Library copy of lstm_all_gates: the source of the student package's nearest code pasted as the
answer, renamed to the exercise's name; it must lose points. Nearest: rnnlab.gates.lstm_gates, which
recomputes every gate of a one-layer nn.LSTM for the gate widgets."""

LIBRARY = {"rnnlab.gates.lstm_gates": "lstm_all_gates"}
EXPECT = {"lose": ["lstm_all_gates"]}
CELLS = {"lstm_all_gates": "{library}"}
