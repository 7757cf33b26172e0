"""A wrong answer, helpers patched so the tests pass in the kernel, and a malformed line written
into the re-check's output whenever the function is called (printed, and to descriptor 3, the
re-check process's pipe). The re-check fails closed: the exercise loses its points, with the reason."""

EXPECT = {"lose": ["lstm_step_backward"], "flag": "could not be trusted"}
CELLS = {
    "lstm_step_backward": """
import sys, torch, rnnlab.checks
torch.allclose = lambda *a, **k: True
rnnlab.checks.check_close = lambda *a, **k: None
check_close = lambda *a, **k: None

def lstm_step_backward(x, h, c, W_ih, W_hh, b_ih, b_hh, grad_h_new, grad_c_new):
    sys.stdout.write("rnnlab_recheck:result:broken\\n")
    try:
        import os
        os.write(3, b"rnnlab_recheck:result:broken\\n")
    except OSError:
        pass
    grads = {name: torch.zeros_like(t) for name, t in zip(("x", "h", "c", "W_ih", "W_hh", "b_ih", "b_hh"),
                                                           (x, h, c, W_ih, W_hh, b_ih, b_hh))}
    return torch.zeros_like(h), torch.zeros_like(c), grads
"""
}
