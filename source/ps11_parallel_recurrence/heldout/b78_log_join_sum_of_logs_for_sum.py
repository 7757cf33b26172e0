"""Takes the log of the sum A2 B1 + B2 as the sum of the logs, i.e. log(A2 B1 B2)."""

MISTAKE = "log of a sum taken as a sum of logs"
EXPECT = {"lose": ["log_join"]}
CELLS = {
    "log_join": '''def log_join(earlier, later):
    """(log A, log B) of the stretch `earlier` then `later`, each a pair (log A, log B) of one shape."""

    log_a1, log_b1 = earlier
    log_a2, log_b2 = later
    return log_a1 + log_a2, log_a2 + log_b1 + log_b2
'''
}
