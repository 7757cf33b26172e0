"""Library copy of log_scan: the source of the student package's nearest code pasted as the answer,
renamed to the exercise's name; it must lose points. Nearest: rnnlab.minrnn.log_scan, chapter 11's
log-space scan of the same name (issue 78)."""

LIBRARY = {"rnnlab.minrnn.log_scan": "log_scan"}
EXPECT = {"lose": ["log_scan"]}
CELLS = {"log_scan": "{library}"}
