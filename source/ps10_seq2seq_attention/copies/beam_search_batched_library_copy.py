"""Library copy of beam_search_batched: the source of the student package's nearest code pasted as the answer,
renamed to the exercise's name; it must lose points. Nearest: rnnlab.seq2seq.beam_search, one
decoder call per hypothesis (the exercise batches the hypotheses)."""

LIBRARY = {"rnnlab.seq2seq.beam_search": "beam_search_batched"}
EXPECT = {"lose": ["beam_search_batched"]}
CELLS = {"beam_search_batched": "{library}"}
