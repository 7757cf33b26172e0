"""Exercise 1, wrong: the sum of the squared entries (the squared norm), without the root."""

EXPECT = {"lose": ["step_gradient_norms"]}
EDITS = {"step_gradient_norms": [("g.double().norm()", "g.double().pow(2).sum()")]}
