"""Re-checks for ps11: log_scan (without the course's scans) and MinGRU (without the course's minGRU
code), on inputs the grader draws, and the quiz answers.

The exercises' other rule, no Python loop over the steps, is judged in the kernel only
(rnnlab.checks.no_step_loop counts torch operations at two lengths). The re-check process's watch is
a profiler: it sees calls of functions, not tensor operators or indexing (C slots, which fire no
profiler event), so a loop written with operators makes the same number of observed calls at any
length; and a torch-function mode counting in this process would be as visible to the answer as the
kernel's is, so it would add no evidence the kernel's count lacks. A replaced counter in the kernel
is reported by the fingerprint (no_step_loop is in rnnlab.checks.__all__)."""

import torch

from autograder.grading.recheck import Case, graded_quiz_cases
from rnnlab.minrnn import MinGRU as _CourseMinGRU
from rnnlab.minrnn import log_scan as _course_log_scan

SCANS = ("rnnlab.minrnn.log_scan", "rnnlab.minrnn.scan_loop", "rnnlab.minrnn.scan_tree", "rnnlab.minrnn.scan_levels")
MINGRU_CODE = SCANS + (
    "rnnlab.minrnn.MinGRU.forward",
    "rnnlab.minrnn.MinGRU.step",
    "rnnlab.minrnn.g",
    "rnnlab.minrnn.log_g",
)


def _scan_case(k, batch, seq_len, hidden, with_h0, dtype, low=0.05, high=0.95):
    g = torch.Generator().manual_seed(11000 + k)
    log_a = torch.empty(batch, seq_len, hidden, dtype=torch.float64).uniform_(low, high, generator=g).log().to(dtype)
    log_b = torch.randn(batch, seq_len, hidden, generator=g, dtype=dtype)
    log_h0 = torch.randn(batch, hidden, generator=g, dtype=dtype) if with_h0 else None
    expected = _course_log_scan(log_a.double(), log_b.double(), None if log_h0 is None else log_h0.double()).to(dtype)
    return Case(
        f"log_scan_{k}",
        ["log_scan_visible", "log_scan_hidden", "log_scan_parallel"],
        "result = log_scan(log_a, log_b, log_h0).detach()",
        dict(log_a=log_a, log_b=log_b, log_h0=log_h0),
        expected,
        atol=1e-4 if dtype == torch.float32 else 1e-9,
        forbid=SCANS,
    )


def _layer_case(k, batch, seq_len, n_in, n_hid, with_h0, dtype):
    with torch.random.fork_rng():
        torch.manual_seed(11100 + k)
        layer = _CourseMinGRU(n_in, n_hid).to(dtype)
        x = 2 * torch.randn(batch, seq_len, n_in, dtype=dtype)
        h0 = torch.rand(batch, n_hid, dtype=dtype) + 0.05 if with_h0 else None
    with torch.no_grad():
        h, h_last = layer(x, h0, mode="loop")
    state = {name: value.detach().clone() for name, value in layer.state_dict().items()}
    code = (
        "layer = MinGRU(n_in, n_hid).to(x.dtype)\nlayer.load_state_dict(state, strict=False)\n"
        "with torch.no_grad():\n    _h, _last = layer(x, h0)\nresult = (_h, _last)"
    )
    return Case(
        f"min_gru_{k}",
        ["min_gru_visible", "min_gru_hidden"],
        code,
        dict(state=state, x=x, h0=h0, n_in=n_in, n_hid=n_hid),
        (h, h_last),
        atol=1e-5 if dtype == torch.float32 else 1e-9,
        forbid=MINGRU_CODE,
    )


def cases(course):
    out = [
        _scan_case(0, 2, 9, 3, True, torch.float64),
        _scan_case(1, 1, 5, 2, False, torch.float32),
        _scan_case(2, 2, 3000, 2, True, torch.float64, 0.2, 0.8),
    ]
    out += [_layer_case(0, 2, 7, 3, 4, True, torch.float64), _layer_case(1, 3, 5, 2, 3, False, torch.float32)]
    out += graded_quiz_cases("ps11_parallel_recurrence", course)
    return out
