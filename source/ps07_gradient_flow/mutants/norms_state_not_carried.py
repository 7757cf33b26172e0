"""Exercise 1, wrong: each step run from a zero state (the state not passed on), so no gradient
flows back from one step to the one before."""

EXPECT = {"lose": ["step_gradient_norms"]}
EDITS = {"step_gradient_norms": [("_, state = layer(x[t:t + 1], state)", "_, state = layer(x[t:t + 1])")]}
