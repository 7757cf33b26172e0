"""Joins the stretches in the wrong order: B = A1 B2 + B1, as if later came first."""

MISTAKE = "stretches joined in the wrong order (A1 B2 + B1)"
EXPECT = {"lose": ["log_join"]}
CELLS = {
    "log_join": '''def log_join(earlier, later):
    """(log A, log B) of the stretch `earlier` then `later`, each a pair (log A, log B) of one shape."""

    log_a1, log_b1 = earlier
    log_a2, log_b2 = later
    return log_a1 + log_a2, torch.logaddexp(log_a1 + log_b2, log_b1)
'''
}
