"""Library copy of spam_classifier: the source of the student package's nearest code pasted as the answer,
renamed to the exercise's name; it must lose points. Nearest: rnnlab.classify.SpamClassifier,
chapter 04's classifier of messages padded at the end (the exercise pads at the start)."""

LIBRARY = {"rnnlab.classify.SpamClassifier": "StartPaddedClassifier"}
EXPECT = {"lose": ["spam_classifier"]}
CELLS = {"spam_classifier": "{library}"}
