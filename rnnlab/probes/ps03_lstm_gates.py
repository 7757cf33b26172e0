"""Probes of ps03: the LSTM step with its backward pass, and every gate of a layer."""

from torch import nn

from rnnlab.diagnose import call, tagged
from rnnlab.probes import Inputs


def _step(seed, batch, n_in, n_hid, grad_h=True, grad_c=True):
    def probe(names):
        r = Inputs(seed)
        args = [
            r.randn(batch, n_in),
            r.randn(batch, n_hid),
            r.randn(batch, n_hid),
            r.randn(4 * n_hid, n_in, scale=0.5),
            r.randn(4 * n_hid, n_hid, scale=0.5),
            r.randn(4 * n_hid),
            r.randn(4 * n_hid),
            r.randn(batch, n_hid) * grad_h,
            r.randn(batch, n_hid) * grad_c,
        ]
        return call(names["lstm_step_backward"], *args)

    return probe


def _layer(seed, seq_len, batch, n_in, n_hid, with_hx):
    def probe(names):
        r = Inputs(seed)
        lstm = r.module(nn.LSTM(n_in, n_hid))
        x = r.randn(seq_len, batch, n_in)
        hx = (r.randn(1, batch, n_hid), r.randn(1, batch, n_hid)) if with_hx else None
        return call(names["lstm_all_gates"], lstm, x, hx)

    return probe


PROBES = {
    "lstm_step_backward": [
        _step(1, 3, 2, 3),
        tagged(_step(2, 1, 3, 2), "size_one"),
        _step(3, 2, 2, 2, True, False),
        _step(4, 2, 3, 2, False, True),
    ],
    "lstm_all_gates": [
        tagged(_layer(5, 4, 2, 2, 3, False), "no_state"),
        _layer(6, 3, 2, 3, 2, True),
        tagged(_layer(7, 3, 1, 2, 1, True), "size_one"),
    ],
}
