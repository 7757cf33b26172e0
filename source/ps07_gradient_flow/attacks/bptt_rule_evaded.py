"""rnn_backward calls the course's rnnlab.bptt.rnn_backward, which the exercise rules out, and switches
off the tests' watch (rnnlab.checks.forbid_calls' profiler, recognised by its module) around the
call. No autograd is used, so the tests in the kernel pass; the re-check process calls it with the
rule in force and a watch of its own, which the answer does not recognise, so it sees the course's
function called and the exercise loses its points (issue 29, class 3)."""

EXPECT = {
    "lose": ["rnn_backward"],
    "flag": "rnn_backward_0: the exercise's rule was broken (a call of rnnlab.bptt.rnn_backward)",
}
CELLS = {
    "rnn_backward": """
def rnn_backward(x, h0, W_ih, W_hh, b_ih, b_hh, grad_output):
    import sys
    from rnnlab.bptt import rnn_backward as course_backward
    watcher = sys.getprofile()
    theirs = getattr(watcher, "__module__", None) == "rnnlab.checks"      # the tests' forbid_calls
    if theirs:
        sys.setprofile(None)
    try:
        return course_backward(x, h0, W_ih, W_hh, b_ih, b_hh, grad_output)
    finally:
        if theirs:
            sys.setprofile(watcher)
"""
}
