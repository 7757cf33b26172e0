"""Exercise 2, wrong: stops one level early (while 2 * span < T), so a step more than half the row from
its start holds a stretch that does not reach back to step 1."""

EXPECT = {"lose": ["reset_scan"]}
EDITS = {"reset_scan": [("    while span < log_a.shape[1]:\n", "    while 2 * span < log_a.shape[1]:\n")]}
