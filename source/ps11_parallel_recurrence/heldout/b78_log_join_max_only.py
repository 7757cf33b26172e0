"""Keeps only the larger of the two terms of log B (max instead of log-sum-exp), an approximation that is wrong when they are close."""

MISTAKE = "max instead of log-sum-exp"
EXPECT = {"lose": ["log_join"]}
CELLS = {
    "log_join": '''def log_join(earlier, later):
    """(log A, log B) of the stretch `earlier` then `later`, each a pair (log A, log B) of one shape."""

    log_a1, log_b1 = earlier
    log_a2, log_b2 = later
    return log_a1 + log_a2, torch.maximum(log_a2 + log_b1, log_b2)
'''
}
