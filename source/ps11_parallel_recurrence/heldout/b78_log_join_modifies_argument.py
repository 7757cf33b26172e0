"""Right values, but adds into earlier's log_A in place, changing the caller's tensor (and failing on leaves that require grad)."""

MISTAKE = "changes an argument in place"
EXPECT = {"lose": ["log_join"]}
CELLS = {
    "log_join": '''def log_join(earlier, later):
    """(log A, log B) of the stretch `earlier` then `later`, each a pair (log A, log B) of one shape."""

    log_a, log_b1 = earlier
    log_a2, log_b2 = later
    log_b = torch.logaddexp(log_a2 + log_b1, log_b2)
    log_a += log_a2
    return log_a, log_b
'''
}
