"""rnnlab.checks' loop detectors: no_step_loop (chapter 11's scan) and no_batch_loop (ps05)
tell a Python loop from whole-tensor operations by counting torch operations at two sizes."""

from __future__ import annotations

import pytest
import torch

from rnnlab.checks import no_batch_loop, no_step_loop


def _steps(seq_len):
    torch.manual_seed(seq_len)
    return torch.rand(2, seq_len, 3), torch.randn(2, seq_len, 3)


def _scan_at_once(log_a, log_b):
    s = torch.cumsum(log_a, dim=1)
    return s + torch.logcumsumexp(log_b - s, dim=1)


def _scan_by_levels(log_a, log_b):
    """Hillis and Steele in log space: ceil(log2 T) levels of whole-sequence operations."""
    A, B, span = log_a, log_b, 1
    while span < log_a.shape[1]:
        A, B = (
            torch.cat([A[:, :span], A[:, span:] + A[:, :-span]], dim=1),
            torch.cat([B[:, :span], torch.logaddexp(A[:, span:] + B[:, :-span], B[:, span:])], dim=1),
        )
        span *= 2
    return B


def _loop_with_methods(log_a, log_b):
    h, out = None, []
    for t in range(log_a.shape[1]):
        h = log_b[:, t] if h is None else torch.logaddexp(log_a[:, t] + h, log_b[:, t])
        out.append(h)
    return torch.stack(out, dim=1)


def _loop_with_operators_only(log_a, log_b):
    """One subscript per step and nothing else of torch's: still one operation per step."""
    out = log_b.exp()
    a = log_a.exp()
    for t in range(1, log_a.shape[1]):
        out[:, t] += a[:, t] * out[:, t - 1]
    return out.log()


def _loop_over_steps_in_chunks_of_two(log_a, log_b):
    rows = [_scan_at_once(log_a[:, t : t + 2], log_b[:, t : t + 2]) for t in range(0, log_a.shape[1], 2)]
    return torch.cat(rows, dim=1)


def test_whole_sequence_operations_pass_and_agree():
    for function in (_scan_at_once, _scan_by_levels):
        no_step_loop("scan", function, _steps)
    log_a, log_b = _steps(11)
    torch.testing.assert_close(_scan_by_levels(log_a, log_b), _scan_at_once(log_a, log_b))
    torch.testing.assert_close(_loop_with_methods(log_a, log_b), _scan_at_once(log_a, log_b))
    torch.testing.assert_close(_loop_with_operators_only(log_a, log_b), _scan_at_once(log_a, log_b))


@pytest.mark.parametrize("function", [_loop_with_methods, _loop_with_operators_only, _loop_over_steps_in_chunks_of_two])
def test_a_loop_over_the_steps_is_seen_whatever_it_calls(function):
    with pytest.raises(
        AssertionError,
        match=r"makes \d+ torch operations for 16 steps and \d+ for 256 steps: "
        "it loops over the steps in Python",
    ):
        no_step_loop("scan", function, _steps)


def test_the_counter_is_off_after_the_check():
    no_step_loop("scan", _scan_at_once, _steps)
    assert not torch.overrides.has_torch_function_variadic(torch.ones(1))
    with pytest.raises(AssertionError):
        no_step_loop("scan", _loop_with_methods, _steps)
    assert not torch.overrides.has_torch_function_variadic(torch.ones(1))


def test_no_batch_loop_tells_a_loop_over_rows_from_one_operation():
    rows = lambda batch: (torch.randn(batch, 4),)  # noqa: E731
    no_batch_loop("sum", lambda x: x.sum(1), rows)
    with pytest.raises(AssertionError, match="loops over the batch in Python"):
        no_batch_loop("sum", lambda x: torch.stack([row.sum() for row in x]), rows)
