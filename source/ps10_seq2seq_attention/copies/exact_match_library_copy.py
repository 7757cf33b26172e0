"""Library copy of exact_match: the source of the student package's nearest code pasted as the answer,
renamed to the exercise's name; it must lose points. Nearest: rnnlab.seq2seq.match_scores, chapter
10's exact-match and per-token accuracy."""

LIBRARY = {"rnnlab.seq2seq.match_scores": "exact_match"}
EXPECT = {"lose": ["exact_match"]}
CELLS = {"exact_match": "{library}"}
