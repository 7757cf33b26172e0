"""Library copy of log_join: the source of the student package's nearest code pasted as the answer,
renamed to the exercise's name; it must lose points. Nearest: rnnlab.minrnn.combine, the lecture's
join of two stretches in linear space (the exercise joins them in log space)."""

LIBRARY = {"rnnlab.minrnn.combine": "log_join"}
EXPECT = {"lose": ["log_join"]}
CELLS = {"log_join": "{library}"}
