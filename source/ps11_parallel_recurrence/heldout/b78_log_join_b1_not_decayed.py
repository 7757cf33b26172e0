"""Forgets that the later stretch's A multiplies the earlier B: log B = log(B1 + B2), so a stretch that forgets still carries B1."""

MISTAKE = "earlier B not multiplied by later A"
EXPECT = {"lose": ["log_join"]}
CELLS = {
    "log_join": '''def log_join(earlier, later):
    """(log A, log B) of the stretch `earlier` then `later`, each a pair (log A, log B) of one shape."""

    log_a1, log_b1 = earlier
    log_a2, log_b2 = later
    return log_a1 + log_a2, torch.logaddexp(log_b1, log_b2)
'''
}
