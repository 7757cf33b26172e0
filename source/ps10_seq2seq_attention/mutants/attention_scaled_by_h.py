"""Exercise 1, wrong: the scores divided by H instead of by the square root of H."""

EXPECT = {"lose": ["attention_weights"]}
EDITS = {"attention_weights": [("/ math.sqrt(H)", "/ H")]}
