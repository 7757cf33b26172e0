"""Library copy of evaluate_classifier: the source of the student package's nearest code pasted as the
answer, renamed to the exercise's name; it must lose points. Nearest:
rnnlab.classify.accuracy_and_recall, which scores chapter 04's classifier at a threshold."""

LIBRARY = {"rnnlab.classify.accuracy_and_recall": "evaluate_classifier"}
EXPECT = {"lose": ["evaluate_classifier"]}
CELLS = {"evaluate_classifier": "{library}"}
