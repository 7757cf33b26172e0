"""Exercise 1, wrong: detaches the cumulative sum s (a 'constant' shift, as in a max-shifted
log-sum-exp), so no gradient reaches log_a through it: the values are right, training through the
scan would never learn the decays."""

INPUT_CLASS = "input_grads"
EXPECT = {"lose": ["log_scan"], "output_has": "with respect to log_a"}
EDITS = {"log_scan": [("    s = torch.cumsum(log_a, dim=1)\n", "    s = torch.cumsum(log_a, dim=1).detach()\n")]}
