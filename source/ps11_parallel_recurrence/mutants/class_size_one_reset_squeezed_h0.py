"""Exercise 2, wrong: squeezes log_h0 before giving it its time dimension (nn.GRU's states have a spare
dimension of 1): with one row or one hidden unit the result broadcasts into the wrong shape."""

INPUT_CLASS = "size_one"
EXPECT = {"lose": ["reset_scan"], "output_has": "should have (3, 5, 1)"}
EDITS = {"reset_scan": [("log_h0.unsqueeze(1)", "log_h0.squeeze().unsqueeze(-2)")]}
