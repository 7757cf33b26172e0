"""A wrong answer plus patches of everything a test might compare with (torch.allclose,
math.isclose, numpy's testing helpers, the course's checks), so the tests pass in the kernel. The
re-check outside the kernel takes the points back, and its probes give other answers in the
kernel than outside it: reported as tampering."""

EXPECT = {"lose": ["lstm_step_backward"], "flag": "TAMPERING"}
CELLS = {
    "lstm_step_backward": """
import math, numpy, numpy.testing, torch, rnnlab.checks
torch.allclose = lambda *a, **k: True
math.isclose = lambda *a, **k: True
numpy.allclose = lambda *a, **k: True
numpy.testing.assert_allclose = lambda *a, **k: None
rnnlab.checks.check_close = lambda *a, **k: None
check_close = lambda *a, **k: None

def lstm_step_backward(x, h, c, W_ih, W_hh, b_ih, b_hh, grad_h_new, grad_c_new):
    grads = {name: torch.zeros_like(t) for name, t in zip(("x", "h", "c", "W_ih", "W_hh", "b_ih", "b_hh"),
                                                           (x, h, c, W_ih, W_hh, b_ih, b_hh))}
    return torch.zeros_like(h), torch.zeros_like(c), grads
"""
}
