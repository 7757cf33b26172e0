"""Exercise 3, wrong: the softmax taken over dim 0 (the messages) instead of over each message's two
logits."""

EXPECT = {"lose": ["evaluate_classifier"]}
EDITS = {"evaluate_classifier": [(".softmax(dim=1)[:, 1]", ".softmax(dim=0)[:, 1]")]}
