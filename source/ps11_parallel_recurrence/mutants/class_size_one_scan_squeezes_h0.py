"""Exercise 1, wrong: squeezes log_h0 before giving it its time dimension (from nn.GRU's habit of
(1, batch, hidden) states): with one hidden unit, (batch, 1) becomes (batch,), and the result
broadcasts to (batch, seq_len, batch)."""

INPUT_CLASS = "size_one"
EXPECT = {"lose": ["log_scan"], "output_has": "should have (3, 5, 1)"}
EDITS = {"log_scan": [("log_h0.unsqueeze(1)", "log_h0.squeeze().unsqueeze(-2)")]}
