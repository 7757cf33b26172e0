"""Library copy of spam_classifier: the source of the student package's nearest code pasted as the
answer, renamed to the exercise's name; it must lose points. Nearest:
rnnlab.classify.SpamClassifier, chapter 04's classifier of the same name."""

LIBRARY = {"rnnlab.classify.SpamClassifier": "SpamClassifier"}
EXPECT = {"lose": ["spam_classifier"]}
CELLS = {"spam_classifier": "{library}"}
