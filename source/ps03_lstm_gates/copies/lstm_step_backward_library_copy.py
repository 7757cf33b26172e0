"""Library copy of lstm_step_backward: the source of the student package's nearest code pasted as the answer,
renamed to the exercise's name; it must lose points. Nearest: rnnlab.gates.lstm_step, the forward
LSTM step chapter 03 imports (the exercise adds the backward pass)."""

LIBRARY = {"rnnlab.gates.lstm_step": "lstm_step_backward"}
EXPECT = {"lose": ["lstm_step_backward"]}
CELLS = {"lstm_step_backward": "{library}"}
