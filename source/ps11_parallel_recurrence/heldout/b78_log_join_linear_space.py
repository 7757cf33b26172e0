"""Leaves log space: exponentiates, joins, takes the log again, so e^800 overflows and e^-800 underflows."""

MISTAKE = "goes through linear space (exp then log)"
EXPECT = {"lose": ["log_join"]}
CELLS = {
    "log_join": '''def log_join(earlier, later):
    """(log A, log B) of the stretch `earlier` then `later`, each a pair (log A, log B) of one shape."""

    log_a1, log_b1 = earlier
    log_a2, log_b2 = later
    log_a = log_a1 + log_a2
    log_b = torch.log(torch.exp(log_a2) * torch.exp(log_b1) + torch.exp(log_b2))
    return log_a, log_b
'''
}
