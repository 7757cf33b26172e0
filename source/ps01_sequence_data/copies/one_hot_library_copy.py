"""Library copy of one_hot: the source of the student package's nearest code pasted as the answer,
renamed to the exercise's name; it must lose points. Nothing in the package builds one-hot tensors;
the closest is rnnlab.tagging.encode_letters, which turns letters into ids."""

LIBRARY = {"rnnlab.tagging.encode_letters": "one_hot"}
EXPECT = {"lose": ["one_hot"]}
CELLS = {"one_hot": "{library}"}
