"""Re-checks for ps11: log_join, and reset_scan (without the course's scans), on inputs the grader draws,
and the quiz answers.

reset_scan's other rule, no Python loop over the steps, is judged in the kernel only
(rnnlab.checks.no_step_loop counts torch operations at two lengths). The re-check process's watch is
a profiler: it sees calls of functions, not tensor operators or indexing (C slots, which fire no
profiler event), so a loop written with operators makes the same number of observed calls at any
length; and a torch-function mode counting in this process would be as visible to the answer as the
kernel's is, so it would add no evidence the kernel's count lacks. A replaced counter in the kernel
is reported by the fingerprint (no_step_loop is in rnnlab.checks.__all__)."""

import torch

from autograder.grading.recheck import Case, graded_quiz_cases

SCANS = (
    "rnnlab.minrnn.combine",
    "rnnlab.minrnn.log_scan",
    "rnnlab.minrnn.scan_loop",
    "rnnlab.minrnn.scan_tree",
    "rnnlab.minrnn.scan_levels",
)


def _loop_log_h(log_a, log_b, log_h0):
    """The recurrence one step after the other, in log space and float64."""
    log_h = torch.full_like(log_a[:, 0], float("-inf")) if log_h0 is None else log_h0
    steps = []
    for t in range(log_a.shape[1]):
        log_h = torch.logaddexp(log_a[:, t] + log_h, log_b[:, t])
        steps.append(log_h)
    return torch.stack(steps, dim=1)


def _join_case(k, shape, dtype, shift=0.0):
    g = torch.Generator().manual_seed(11000 + k)
    log_A1, log_A2 = (torch.empty(shape, dtype=torch.float64).uniform_(-3.0, 0.5, generator=g) for _ in range(2))
    log_B1, log_B2 = (shift + 2 * torch.randn(shape, generator=g, dtype=torch.float64) for _ in range(2))
    log_A2 = log_A2.masked_fill(torch.rand(shape, generator=g, dtype=torch.float64) < 0.3, float("-inf"))
    # rounded to the dtype the answer gets, the expected values computed from those in float64
    log_A1, log_B1, log_A2, log_B2 = (t.to(dtype).double() for t in (log_A1, log_B1, log_A2, log_B2))
    # the joined log A compared where it is finite (-inf as 0), so that the comparison has no -inf - -inf
    expected_A = (log_A1 + log_A2).masked_fill(torch.isneginf(log_A2), 0.0)
    expected = (expected_A.to(dtype), torch.logaddexp(log_A2 + log_B1, log_B2).to(dtype))
    code = (
        "_A, _B = log_join((log_A1, log_B1), (log_A2, log_B2))\n"
        "result = (_A.detach().masked_fill(torch.isneginf(_A.detach()), 0.0), _B.detach())"
    )
    inputs = dict(log_A1=log_A1, log_B1=log_B1, log_A2=log_A2, log_B2=log_B2)
    return Case(
        f"log_join_{k}",
        ["log_join_visible", "log_join_hidden"],
        code,
        {name: value.to(dtype) for name, value in inputs.items()},
        expected,
        atol=1e-4 if dtype == torch.float32 else 1e-9,
    )


def _scan_case(k, batch, seq_len, hidden, with_h0, dtype, boundaries=0.2, shift=0.0, low=0.05, high=0.95):
    g = torch.Generator().manual_seed(11100 + k)
    log_a = torch.empty(batch, seq_len, hidden, dtype=torch.float64).uniform_(low, high, generator=g).log()
    log_a = log_a.masked_fill(
        torch.rand(batch, seq_len, 1, generator=g, dtype=torch.float64) < boundaries, float("-inf")
    )
    log_b = shift + torch.randn(batch, seq_len, hidden, generator=g, dtype=torch.float64)
    log_h0 = shift + torch.randn(batch, hidden, generator=g, dtype=torch.float64) if with_h0 else None
    log_a, log_b = log_a.to(dtype).double(), log_b.to(dtype).double()
    log_h0 = None if log_h0 is None else log_h0.to(dtype).double()
    expected = _loop_log_h(log_a, log_b, log_h0).to(dtype)
    return Case(
        f"reset_scan_{k}",
        ["reset_scan_visible", "reset_scan_hidden", "reset_scan_parallel"],
        "result = reset_scan(log_a, log_b, log_h0).detach()",
        dict(log_a=log_a.to(dtype), log_b=log_b.to(dtype), log_h0=None if log_h0 is None else log_h0.to(dtype)),
        expected,
        atol=1e-4 if dtype == torch.float32 else 1e-9,
        forbid=SCANS,
    )


def cases(course):
    out = [_join_case(0, (2, 5, 3), torch.float64), _join_case(1, (3, 4), torch.float32, shift=-700.0)]
    out += [
        _scan_case(0, 2, 9, 3, True, torch.float64, boundaries=0.0),
        _scan_case(1, 1, 5, 2, False, torch.float32),
        _scan_case(2, 2, 40, 3, True, torch.float64, boundaries=0.15, shift=800.0),
        _scan_case(3, 2, 1500, 2, True, torch.float64, boundaries=0.005, low=0.2, high=0.8),
    ]
    out += graded_quiz_cases("ps11_parallel_recurrence", course)
    return out
