"""Exercise 1, wrong: the length check off by one (lengths >= S raise), so a sequence that fills
all S positions is refused."""

EXPECT = {"lose": ["attention_weights"]}
EDITS = {"attention_weights": [("bool((lengths > S).any())", "bool((lengths >= S).any())")]}
