"""reset_scan calls the course's rnnlab.minrnn.log_scan, which the exercise rules out, on rows without a
boundary (where it is right), and switches off the tests' watch (rnnlab.checks.forbid_calls' profiler,
recognised by its module) around the call; rows with a boundary get levels of its own. The tests in the
kernel pass; the re-check process calls it with the rule in force and a watch of its own, which the
answer does not recognise, so it sees rnnlab.minrnn.log_scan called on the re-check's case without a
boundary and the exercise loses its points (issue 29, class 3)."""

EXPECT = {
    "lose": ["reset_scan"],
    "flag": "reset_scan_0: the exercise's rule was broken (a call of rnnlab.minrnn.log_scan)",
}
CELLS = {
    "reset_scan": """
def reset_scan(log_a, log_b, log_h0=None):
    import sys
    from rnnlab.minrnn import log_scan as scan
    if not bool(torch.isneginf(log_a).any()):
        watcher = sys.getprofile()
        theirs = getattr(watcher, "__module__", None) == "rnnlab.checks"      # the tests' forbid_calls
        if theirs:
            sys.setprofile(None)
        try:
            return scan(log_a, log_b, log_h0)
        finally:
            if theirs:
                sys.setprofile(watcher)
    log_A, log_B = log_a, log_b
    span = 1
    while span < log_a.shape[1]:
        log_A, log_B = (torch.cat([log_A[:, :span], log_A[:, :-span] + log_A[:, span:]], dim=1),
                        torch.cat([log_B[:, :span], torch.logaddexp(log_A[:, span:] + log_B[:, :-span], log_B[:, span:])], dim=1))
        span *= 2
    return log_B if log_h0 is None else torch.logaddexp(log_A + log_h0.unsqueeze(1), log_B)
"""
}
