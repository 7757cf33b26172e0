"""Library copy of bi_tagger: the source of the student package's nearest code pasted as the answer,
renamed to the exercise's name; it must lose points. Nearest: rnnlab.tagging.Tagger, chapter 06's
tagger (embedding, LSTM, a linear layer at every step)."""

LIBRARY = {"rnnlab.tagging.Tagger": "BiTagger"}
EXPECT = {"lose": ["bi_tagger"]}
CELLS = {"bi_tagger": "{library}"}
