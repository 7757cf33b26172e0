"""Exercise 1, wrong: returns the cumulative log-sum-exp without adding s_t back: the terms are
divided by the decays up to step k and never multiplied by those up to step t, so no step decays."""

EXPECT = {"lose": ["log_scan"]}
EDITS = {"log_scan": [("    return s + inner", "    return inner")]}
