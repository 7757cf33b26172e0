"""A right answer, written with torch.logaddexp: A = A1 A2, B = A2 B1 + B2 in log space."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "log_join": '''def log_join(earlier, later):
    """(log A, log B) of the stretch `earlier` then `later`, each a pair (log A, log B) of one shape."""

    log_a1, log_b1 = earlier
    log_a2, log_b2 = later
    return log_a1 + log_a2, torch.logaddexp(log_a2 + log_b1, log_b2)
'''
}
