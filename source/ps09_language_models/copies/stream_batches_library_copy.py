"""Library copy of stream_batches: the source of the student package's nearest code pasted as the
answer, renamed to the exercise's name; it must lose points. Nearest:
rnnlab.language_model.batchify, which cuts one stream of ids into parallel streams."""

LIBRARY = {"rnnlab.language_model.batchify": "stream_batches"}
EXPECT = {"lose": ["stream_batches"]}
CELLS = {"stream_batches": "{library}"}
