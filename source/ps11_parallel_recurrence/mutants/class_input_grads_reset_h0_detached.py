"""Exercise 2, wrong: detaches log_h0 (a 'given' start state), so no gradient reaches it: the values are
right, and a model whose state is carried over from the row before could not learn through it."""

INPUT_CLASS = "input_grads"
EXPECT = {"lose": ["reset_scan"], "output_has": "with respect to log_h0"}
EDITS = {"reset_scan": [("log_A + log_h0.unsqueeze(1)", "log_A + log_h0.detach().unsqueeze(1)")]}
