"""Exercise 1, wrong: uses s_{t-1} = log a_1 + ... + log a_{t-1} (an exclusive cumulative sum) where the
formula has s_t: as if a_t acted on the step after it, so every h misses its own step's decay."""

EXPECT = {"lose": ["log_scan"]}
EDITS = {"log_scan": [("    s = torch.cumsum(log_a, dim=1)\n", "    s = torch.cumsum(log_a, dim=1) - log_a\n")]}
