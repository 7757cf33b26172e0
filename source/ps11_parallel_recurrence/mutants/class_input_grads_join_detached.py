"""Exercise 1, wrong: detaches the later stretch's log A where it decays the earlier B (a 'constant'
factor), so no gradient reaches it through log B: the values are right, training would never learn it."""

INPUT_CLASS = "input_grads"
EXPECT = {"lose": ["log_join"], "output_has": "with respect to log_A2"}
EDITS = {
    "log_join": [("torch.logaddexp(log_A2 + log_B1, log_B2)", "torch.logaddexp(log_A2.detach() + log_B1, log_B2)")]
}
