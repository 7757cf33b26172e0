"""Library copy of reset_scan: the source of the student package's nearest code pasted as the answer,
renamed to the exercise's name; it must lose points. Nearest: rnnlab.minrnn.log_scan, the lecture's
log-space scan (the exercise must survive document resets, log a = -inf)."""

LIBRARY = {"rnnlab.minrnn.log_scan": "reset_scan"}
EXPECT = {"lose": ["reset_scan"]}
CELLS = {"reset_scan": "{library}"}
