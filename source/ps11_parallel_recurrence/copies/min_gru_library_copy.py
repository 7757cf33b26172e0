"""Library copy of min_gru: the source of the student package's nearest code pasted as the answer,
renamed to the exercise's name; it must lose points. Nearest: rnnlab.minrnn.MinGRU, chapter 11's
layer of the same name (issue 78)."""

LIBRARY = {"rnnlab.minrnn.MinGRU": "MinGRU"}
EXPECT = {"lose": ["min_gru"]}
CELLS = {"min_gru": "{library}"}
