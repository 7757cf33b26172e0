"""Library copy of lstm_param_count: the source of the student package's nearest code pasted as the
answer, renamed to the exercise's name; it must lose points. Nearest:
rnnlab.cheatsheet.parameter_rows, the cheat sheet's parameter-count formula (no proj_size)."""

LIBRARY = {"rnnlab.cheatsheet.parameter_rows": "lstm_param_count"}
EXPECT = {"lose": ["lstm_param_count"]}
CELLS = {"lstm_param_count": "{library}"}
