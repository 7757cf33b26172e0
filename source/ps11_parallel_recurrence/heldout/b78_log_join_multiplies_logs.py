"""Multiplies the logs of the decays (log A1 * log A2) instead of adding them, so log A is wrong and -inf times 0 is NaN."""

MISTAKE = "log A as a product of logs"
EXPECT = {"lose": ["log_join"]}
CELLS = {
    "log_join": '''def log_join(earlier, later):
    """(log A, log B) of the stretch `earlier` then `later`, each a pair (log A, log B) of one shape."""

    log_a1, log_b1 = earlier
    log_a2, log_b2 = later
    return log_a1 * log_a2, torch.logaddexp(log_a2 + log_b1, log_b2)
'''
}
