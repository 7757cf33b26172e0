"""Probes of ps01: sliding windows with a horizon, one-hot codes of a batch of texts, and any
layout of a 3-D batch into the layout nn.RNN reads."""

import torch

from rnnlab.diagnose import call, tagged
from rnnlab.probes import Inputs


def _windows(seed, n, features, window, horizon):
    def probe(names):
        r = Inputs(seed)
        series = r.randn(n, exact32=True) if features is None else r.randn(n, features, exact32=True)
        return call(names["sliding_windows"], series, window, horizon)

    return probe


def _windows_default(seed, n, window):
    """The horizon left out: its default is 1."""

    def probe(names):
        return call(names["sliding_windows"], Inputs(seed).randn(n, exact32=True), window)

    return probe


def _counts(names):
    """Integer counts with room for exactly one window and its target."""
    return call(names["sliding_windows"], torch.tensor([5, 3, 8, 1, 9]), 3, 2)


def _one_hot(texts, alphabet):
    def probe(names):
        return call(names["one_hot"], list(texts), alphabet)

    return probe


def _layout(seed, layout, batch_first, sizes=(2, 3, 4)):
    def probe(names):
        x = Inputs(seed).randn(*sizes)
        return call(names["to_rnn_layout"], x, layout, batch_first)

    return probe


def _layout_default(seed, layout):
    """batch_first left out: its default is False."""

    def probe(names):
        return call(names["to_rnn_layout"], Inputs(seed).randn(3, 2, 4), layout)

    return probe


PROBES = {
    "make_windows": [
        _windows(1, 7, None, 3, 1),
        _windows(2, 8, None, 2, 3),
        _windows(3, 7, 2, 3, 2),
        tagged(_windows(4, 4, None, 3, 2), "refuse"),
        tagged(_counts, "size_one"),  # no window; exactly one
        tagged(_windows_default(10, 6, 2), "no_state"),
    ],  # the default horizon
    # "d" is the alphabet's last class and occurs in no text; the alphabet is not in sorted order
    "one_hot": [
        _one_hot(["abc", "cca"], "cabd"),
        tagged(_one_hot(["ab", "az"], "abc"), "refuse"),  # "z" unknown
        tagged(_one_hot(["bca"], "abc"), "size_one"),
        tagged(_one_hot(["b", "a", "b"], "ba"), "size_one"),
        tagged(_one_hot(["ab", "abc"], "abc"), "refuse"),
    ],  # lengths differ
    "to_rnn_layout": [
        _layout(5, "BFT", False),
        _layout(6, "FTB", True),
        _layout(7, "BTF", False),
        tagged(_layout(8, "TBFB", False), "refuse"),
        tagged(_layout(11, "TBB", False), "refuse"),
        tagged(_layout(9, "FBT", True, sizes=(2, 1, 3)), "size_one"),
        tagged(_layout_default(10, "FTB"), "no_state"),
    ],  # a batch of one
}
