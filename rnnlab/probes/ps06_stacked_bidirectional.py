"""Probes of ps06: a bidirectional encoder's final states merged layer by layer for a decoder, the
parameter count of any nn.LSTM, and the bidirectional tagger.

merge_directions is probed on a float64 h_n that requires a gradient, and each call reports, with
the merged states, whether the result still carries that gradient (the exercise asks for it).
The tagger is built inside the probed call (an error in its constructor is its behaviour too),
and its layers are filled here by kind (embedding, then LSTM, then linear), so that the names
and the order in which an answer creates them do not matter."""

import torch

from rnnlab.diagnose import call, tagged
from rnnlab.probes import Inputs

# ---- exercise 1: merge_directions --------------------------------------------------------------


def _merge_run(merge_directions):
    """merge_directions's result, and whether it still requires a gradient."""

    def run(h_n, num_layers):
        result = merge_directions(h_n, num_layers)
        return result, bool(getattr(result, "requires_grad", False))

    return run


def _merge(seed, slots, rest, size, num_layers):
    """h_n of shape (slots, *rest, size); `rest` is (batch,) or () for an unbatched h_n."""

    def probe(names):
        h_n = Inputs(seed).randn(slots, *rest, size, exact32=True).requires_grad_()
        return call(_merge_run(names["merge_directions"]), h_n, num_layers)

    return probe


# ---- exercise 2: lstm_param_count --------------------------------------------------------------


def _count(*args):
    def probe(names):
        return call(names["lstm_param_count"], *args)

    return probe


# ---- exercise 3: BiTagger ----------------------------------------------------------------------


def _tagger(seed, sizes, batch, length):
    """BiTagger(*sizes) (num_layers given when sizes has five numbers) on tokens (batch, length)."""

    def probe(names):
        r = Inputs(seed)
        tokens = torch.from_numpy(r.rng.integers(0, sizes[0], size=(batch, length)))

        def run(cls, tokens):
            model = r.model(cls(*sizes))
            with torch.no_grad():
                return model(tokens)

        return call(run, names["BiTagger"], tokens)

    return probe


PROBES = {
    "merge_directions": [
        _merge(1, 4, (3,), 2, 2),  # two layers, a batch of 3
        tagged(_merge(2, 6, (2,), 1, 3), "size_one"),  # three layers, features of size 1
        _merge(3, 4, (), 3, 2),  # unbatched: (num_layers * 2, size)
        tagged(_merge(4, 2, (1,), 3, 1), "size_one"),  # one layer, a batch of 1
        tagged(_merge(5, 2, (3,), 2, 2), "refuse"),  # a one-direction h_n of two layers: ValueError
    ],
    "lstm_param_count": [
        _count(3, 5, 1, False, 0),
        _count(3, 5, 2, True, 0),
        _count(4, 6, 2, True, 2),
        _count(2, 3, 3, False, 1),
        tagged(_count(10, 20), "no_state"),  # the defaults
    ],
    "bi_tagger": [
        tagged(_tagger(21, (5, 3, 2, 3), 2, 4), "no_state"),  # the default num_layers
        _tagger(22, (6, 2, 3, 2, 2), 3, 3),  # two layers
        tagged(_tagger(23, (4, 2, 2, 2, 1), 1, 5), "size_one"),  # a batch of 1
    ],
}
