"""Probes of ps11: log_join (stretches of several shapes, some that forget (log A = -inf), log B far outside
the floats' range once exponentiated, the gradients to its four inputs) and reset_scan (rows with and
without document boundaries, with and without log h0, one hidden unit, one row, log b near +-800, a long
row, the gradients to its three inputs, whether its number of torch operations grows with the steps).

Everything is float64 and drawn with numpy's generator (rnnlab.probes.Inputs), so every CPU gives
the same inputs."""

import torch

from rnnlab.diagnose import call, tagged
from rnnlab.probes import Inputs


def _decays(r, *shape, low=0.05, high=0.95):
    """log a_t for decays a_t between `low` and `high`."""
    return torch.from_numpy(r.rng.uniform(low, high, size=shape)).log()


def _finite_and_last(function, *args):
    """For a long sequence: whether every value of the result is finite, and the last step's values when
    it is (which values turn NaN or infinite in a wrong answer can depend on the CPU; that some do does
    not)."""
    out = function(*args)
    h = out[0] if isinstance(out, tuple) else out
    if not isinstance(h, torch.Tensor) or h.dim() != 3:
        return out
    finite = bool(torch.isfinite(h).all())
    return {"finite": finite, "last step": h[:, -1] if finite else None}


# ---- exercise 1: log_join ---------------------------------------------------------------------


def _stretches(r, shape, forget=0.0, shift=0.0):
    """Two stretches (log A, log B) of `shape`; each later log A is -inf with probability `forget`."""
    log_A1, log_A2 = (torch.from_numpy(r.rng.uniform(-3.0, 0.5, size=shape)) for _ in range(2))
    log_B1, log_B2 = (shift + r.randn(*shape, scale=2.0) for _ in range(2))
    gone = torch.from_numpy(r.rng.uniform(size=shape) < forget)
    return (log_A1, log_B1), (log_A2.masked_fill(gone, float("-inf")), log_B2)


def _join(seed, shape, forget=0.0, shift=0.0):
    def probe(names):
        earlier, later = _stretches(Inputs(seed), shape, forget, shift)
        return call(names["log_join"], earlier, later)

    return probe


def _join_with_grads(log_join, earlier, later, coef):
    """The joined log B, and the gradients of sum(coef * log B) with respect to the four inputs (None
    where no gradient reaches one)."""
    leaves = [t.clone().requires_grad_(True) for t in (*earlier, *later)]
    out = log_join((leaves[0], leaves[1]), (leaves[2], leaves[3]))
    log_B = out[1] if isinstance(out, tuple) and len(out) == 2 else out
    if not (isinstance(log_B, torch.Tensor) and log_B.requires_grad):
        return out, None
    return (log_B.detach(), *torch.autograd.grad((log_B * coef).sum(), leaves, allow_unused=True))


def _join_grads(seed):
    def probe(names):
        r = Inputs(seed)
        earlier, later = _stretches(r, (2, 4, 3), forget=0.3)
        return call(_join_with_grads, names["log_join"], earlier, later, r.randn(2, 4, 3))

    return probe


# ---- exercise 2: reset_scan -------------------------------------------------------------------


def _row(r, batch, seq_len, hidden, with_h0, boundaries, shift, low=0.05, high=0.95):
    log_a = _decays(r, batch, seq_len, hidden, low=low, high=high)
    starts = torch.from_numpy(r.rng.uniform(size=(batch, seq_len, 1)) < boundaries)
    log_a = log_a.masked_fill(starts, float("-inf"))
    log_b = shift + r.randn(batch, seq_len, hidden)
    log_h0 = shift + r.randn(batch, hidden) if with_h0 else None
    return log_a, log_b, log_h0


def _reset(seed, batch, seq_len, hidden, with_h0, boundaries=0.25, shift=0.0, long=False):
    def probe(names):
        r = Inputs(seed)
        if long:
            log_a, log_b, log_h0 = _row(r, batch, seq_len, hidden, with_h0, boundaries, shift, 0.2, 0.8)
            return call(_finite_and_last, names["reset_scan"], log_a, log_b, log_h0)
        return call(names["reset_scan"], *_row(r, batch, seq_len, hidden, with_h0, boundaries, shift))

    return probe


def _scan_with_grads(reset_scan, log_a, log_b, log_h0, coef):
    """log h, and the gradients of sum(coef * log h) with respect to log_a, log_b and log_h0 (None
    where no gradient reaches one)."""
    leaves = [t.clone().requires_grad_(True) for t in (log_a, log_b, log_h0)]
    out = reset_scan(*leaves)
    if not (isinstance(out, torch.Tensor) and out.requires_grad):
        return out, None, None, None
    grads = torch.autograd.grad((out * coef).sum(), leaves, allow_unused=True)
    return (out.detach(), *grads)


def _reset_grads(seed):
    def probe(names):
        r = Inputs(seed)
        log_a, log_b, log_h0 = _row(r, 2, 6, 3, True, 0.3, 0.0)
        return call(_scan_with_grads, names["reset_scan"], log_a, log_b, log_h0, r.randn(2, 6, 3))

    return probe


def _operations(function, make_inputs, short=16, long=256):
    """Whether `function`'s number of torch operations grows by half a step per step or more between
    `short` and `long` steps (a loop over the steps), as rnnlab.checks.no_step_loop judges it."""
    from rnnlab.checks import _CountOps

    counts = []
    for seq_len in (short, long):
        inputs = make_inputs(seq_len)
        with _CountOps() as count:
            function(*inputs)
        counts.append(count.calls)
    return {"loops over the steps": counts[1] - counts[0] >= (long - short) / 2}


def _reset_loop(seed):
    def probe(names):
        def make(seq_len):
            return _row(Inputs(seed + seq_len), 2, seq_len, 3, True, 0.1, 0.0)

        return call(_operations, names["reset_scan"], make)

    return probe


PROBES = {
    "log_join": [
        _join(1101, (2, 5, 3)),
        _join(1102, (3, 4), forget=0.5),
        tagged(_join(1103, (3, 1, 2)), "size_one"),
        tagged(_join(1104, (1, 4, 1), forget=0.3), "size_one"),
        _join(1105, (2, 3), shift=800.0),
        _join(1106, (2, 3), shift=-800.0),
        _join_grads(1107),
    ],
    "reset_scan": [
        _reset(1201, 2, 6, 3, True),
        tagged(_reset(1202, 2, 5, 3, False), "no_state"),
        _reset(1203, 2, 7, 2, True, boundaries=0.0),
        tagged(_reset(1204, 3, 5, 1, True), "size_one"),
        tagged(_reset(1205, 1, 6, 2, True), "size_one"),
        _reset(1206, 2, 6, 3, True, shift=800.0),
        _reset(1207, 2, 6, 3, True, shift=-800.0),
        _reset(1208, 2, 1500, 2, True, boundaries=0.004, long=True),
        _reset_grads(1209),
        _reset_loop(1210),
    ],
}
