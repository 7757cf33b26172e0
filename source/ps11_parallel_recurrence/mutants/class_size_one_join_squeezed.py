"""Exercise 1, wrong: squeezes the later stretch's log B (to drop a 'spare' dimension), which broadcasts
into the wrong shape as soon as a dimension has size 1."""

INPUT_CLASS = "size_one"
EXPECT = {"lose": ["log_join"], "output_has": "should have (3, 1, 2)"}
EDITS = {
    "log_join": [("torch.logaddexp(log_A2 + log_B1, log_B2)", "torch.logaddexp(log_A2 + log_B1, log_B2.squeeze())")]
}
