"""Probes of ps11: the log-space scan (with and without log h0, one hidden unit, one sequence, a long
sequence whose product of decays underflows, the gradients to its three inputs, whether its number
of torch operations grows with the steps) and the minGRU layer (the same kinds of call, with its
weights drawn here, built positionally and by keyword).

Everything is float64 and drawn with numpy's generator (rnnlab.probes.Inputs), so every CPU gives
the same inputs."""

import torch

from rnnlab.diagnose import call, tagged
from rnnlab.probes import Inputs


def _decays(r, *shape, low=0.05, high=0.95):
    """log a_t for decays a_t between `low` and `high`."""
    return torch.from_numpy(r.rng.uniform(low, high, size=shape)).log()


def _finite_and_last(function, *args):
    """For a long sequence: whether every value of the result (its first tensor, for a layer) is
    finite, and the last step's values when it is. Where a wrong answer's product of decays
    underflows, which values turn NaN depends on whether the CPU flushes denormal numbers to zero
    (setup() asks it to); that they do not stay finite does not."""
    out = function(*args)
    h = out[0] if isinstance(out, tuple) else out
    if not isinstance(h, torch.Tensor) or h.dim() != 3:
        return out
    finite = bool(torch.isfinite(h).all())
    return {"finite": finite, "last step": h[:, -1] if finite else None}


# ---- exercise 1: log_scan ---------------------------------------------------------------------


def _scan(seed, batch, seq_len, hidden, with_h0, low=0.05, high=0.95, long=False):
    def probe(names):
        r = Inputs(seed)
        log_a = _decays(r, batch, seq_len, hidden, low=low, high=high)
        log_b = r.randn(batch, seq_len, hidden)
        log_h0 = r.randn(batch, hidden) if with_h0 else None
        if long:
            return call(_finite_and_last, names["log_scan"], log_a, log_b, log_h0)
        return call(names["log_scan"], log_a, log_b, log_h0)

    return probe


def _scan_with_grads(log_scan, log_a, log_b, log_h0, coef):
    """log h, and the gradients of sum(coef * log h) with respect to log_a, log_b and log_h0 (None
    where no gradient reaches one)."""
    leaves = [t.clone().requires_grad_(True) for t in (log_a, log_b, log_h0)]
    out = log_scan(*leaves)
    if not (isinstance(out, torch.Tensor) and out.requires_grad):
        return out, None, None, None
    grads = torch.autograd.grad((out * coef).sum(), leaves, allow_unused=True)
    return (out.detach(), *grads)


def _scan_grads(seed):
    def probe(names):
        r = Inputs(seed)
        log_a, log_b, log_h0 = _decays(r, 2, 4, 3), r.randn(2, 4, 3), r.randn(2, 3)
        return call(_scan_with_grads, names["log_scan"], log_a, log_b, log_h0, r.randn(2, 4, 3))

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


def _scan_loop(seed):
    def probe(names):
        def make(seq_len):
            r = Inputs(seed + seq_len)
            return _decays(r, 2, seq_len, 3), r.randn(2, seq_len, 3), r.randn(2, 3)

        return call(_operations, names["log_scan"], make)

    return probe


# ---- exercise 2: MinGRU -----------------------------------------------------------------------


def _build(MinGRU, n_in, n_hid, seed, scale, keyword=False):
    """The answer's layer in float64, its four parameters drawn here in a fixed order."""
    layer = MinGRU(input_size=n_in, hidden_size=n_hid) if keyword else MinGRU(n_in, n_hid)
    layer = layer.double()
    r = Inputs(seed)
    with torch.no_grad():
        for linear in (layer.linear_z, layer.linear_h):
            linear.weight.copy_(r.randn(n_hid, n_in, scale=scale))
            linear.bias.copy_(r.randn(n_hid, scale=scale))
    return layer


def _run_layer(MinGRU, n_in, n_hid, seed, scale, x, h0, keyword=False):
    layer = _build(MinGRU, n_in, n_hid, seed, scale, keyword)
    with torch.no_grad():
        return layer(x, h0)


def _layer(seed, batch, seq_len, n_in, n_hid, with_h0, scale=1.0, keyword=False, long=False):
    def probe(names):
        r = Inputs(seed + 1)
        x = r.randn(batch, seq_len, n_in, scale=2.0)
        h0 = torch.from_numpy(r.rng.uniform(0.05, 1.05, size=(batch, n_hid))) if with_h0 else None
        if long:
            return call(_finite_and_last, _run_layer, names["MinGRU"], n_in, n_hid, seed, scale, x, h0, keyword)
        return call(_run_layer, names["MinGRU"], n_in, n_hid, seed, scale, x, h0, keyword)

    return probe


def _layer_with_grads(MinGRU, x, h0, coef):
    """h, and the gradients of sum(coef * h) with respect to x, h0 and the layer's four parameters
    (None where no gradient reaches one)."""
    layer = _build(MinGRU, x.shape[2], h0.shape[1], 1190, 1.0)
    x, h0 = x.clone().requires_grad_(True), h0.clone().requires_grad_(True)
    out = layer(x, h0)
    h = out[0] if isinstance(out, tuple) else out
    if not (isinstance(h, torch.Tensor) and h.requires_grad):
        return h, None
    wrt = [x, h0, layer.linear_z.weight, layer.linear_z.bias, layer.linear_h.weight, layer.linear_h.bias]
    return h.detach(), torch.autograd.grad((h * coef).sum(), wrt, allow_unused=True)


def _layer_grads(seed):
    def probe(names):
        r = Inputs(seed)
        x, h0 = r.randn(2, 4, 3), torch.from_numpy(r.rng.uniform(0.05, 1.05, size=(2, 5)))
        return call(_layer_with_grads, names["MinGRU"], x, h0, r.randn(2, 4, 5))

    return probe


def _layer_operations(MinGRU, seed):
    layer = _build(MinGRU, 3, 4, seed, 1.0)
    with torch.no_grad():
        return _operations(layer, lambda seq_len: (Inputs(seed + seq_len).randn(2, seq_len, 3),))


def _layer_loop(seed):
    def probe(names):
        return call(_layer_operations, names["MinGRU"], seed)

    return probe


PROBES = {
    "log_scan": [
        _scan(1101, 2, 5, 3, True),
        tagged(_scan(1102, 2, 4, 3, False), "no_state"),
        tagged(_scan(1103, 3, 4, 1, True), "size_one"),
        tagged(_scan(1104, 1, 6, 2, True), "size_one"),
        _scan(1105, 2, 1500, 2, True, low=0.2, high=0.8, long=True),
        _scan_grads(1106),
        _scan_loop(1107),
    ],
    "min_gru": [
        _layer(1201, 2, 5, 3, 4, True),
        tagged(_layer(1202, 2, 4, 2, 3, False), "no_state"),
        tagged(_layer(1203, 1, 4, 2, 3, True), "size_one"),
        tagged(_layer(1204, 2, 3, 2, 1, True), "size_one"),
        _layer(1205, 2, 5, 3, 4, True, scale=5.0),
        _layer(1206, 2, 1500, 2, 3, False, long=True),
        _layer(1207, 2, 4, 3, 2, False, keyword=True),
        _layer_grads(1208),
        _layer_loop(1209),
    ],
}
