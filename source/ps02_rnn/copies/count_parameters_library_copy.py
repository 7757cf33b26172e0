"""Library copy of count_parameters: the source of the student package's nearest code pasted as the
answer, renamed to the exercise's name; it must lose points. Nearest:
rnnlab.cheatsheet.parameter_rows, the cheat sheet's parameter-count formula for RNN, GRU and LSTM."""

LIBRARY = {"rnnlab.cheatsheet.parameter_rows": "count_parameters"}
EXPECT = {"lose": ["count_parameters"]}
CELLS = {"count_parameters": "{library}"}
