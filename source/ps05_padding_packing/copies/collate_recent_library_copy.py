"""Library copy of collate_recent: the source of the student package's nearest code pasted as the
answer, renamed to the exercise's name; it must lose points. Nearest: rnnlab.seq2seq.make_batch,
which pads a list of sequences into a batch with their lengths."""

LIBRARY = {"rnnlab.seq2seq.make_batch": "collate_recent"}
EXPECT = {"lose": ["collate_recent"]}
CELLS = {"collate_recent": "{library}"}
