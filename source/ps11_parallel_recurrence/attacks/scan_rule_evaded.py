"""log_scan calls the course's rnnlab.minrnn.log_scan, which the exercise rules out, and switches off
the tests' watch (rnnlab.checks.forbid_calls' profiler, recognised by its module) around the call.
The tests in the kernel pass; the re-check process calls it with the rule in force and a watch of
its own, which the answer does not recognise, so it sees rnnlab.minrnn.log_scan called and the
exercise loses its points (issue 29, class 3)."""

EXPECT = {"lose": ["log_scan"], "flag": "log_scan_0: the exercise's rule was broken (a call of rnnlab.minrnn.log_scan)"}
CELLS = {
    "log_scan": """
def log_scan(log_a, log_b, log_h0=None):
    import sys
    from rnnlab.minrnn import log_scan as scan
    watcher = sys.getprofile()
    theirs = getattr(watcher, "__module__", None) == "rnnlab.checks"      # the tests' forbid_calls
    if theirs:
        sys.setprofile(None)
    try:
        return scan(log_a, log_b, log_h0)
    finally:
        if theirs:
            sys.setprofile(watcher)
"""
}
