"""Library copy of one_hot: the source of the student package's nearest code pasted as the answer,
renamed to the exercise's name; it must lose points. Nearest: rnnlab.tagging.encode_letters, the
one-hot encoding of one text over chapter 06's letters (the exercise: a batch of texts over any
alphabet)."""

LIBRARY = {"rnnlab.tagging.encode_letters": "one_hot"}
EXPECT = {"lose": ["one_hot"]}
CELLS = {"one_hot": "{library}"}
