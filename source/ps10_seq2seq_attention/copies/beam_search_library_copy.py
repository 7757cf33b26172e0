"""Library copy of beam_search: the source of the student package's nearest code pasted as the answer,
renamed to the exercise's name; it must lose points. Nearest: rnnlab.seq2seq.beam_search, chapter
10's beam search of the same name."""

LIBRARY = {"rnnlab.seq2seq.beam_search": "beam_search"}
EXPECT = {"lose": ["beam_search"]}
CELLS = {"beam_search": "{library}"}
