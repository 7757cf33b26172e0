"""Probes of ps09: a text cut into parallel streams of chunks with their targets (also a text too
short for one chunk, one stream, chunks of one step), the perplexity of a padded batch (also a
batch of one and a batch without padding), a sampler checked draw by draw (also at a temperature
of 0, and with its optional arguments left out), and a stacked nn.GRU computed from its weights
(also layers whose input size differs from x's, sizes of 1, no h0), with whether its results hang
on the autograd graph (the exercise works under torch.no_grad()).

The sampler's model is the hidden tests' kind: its state is 0.5 * state + a row of a fixed table,
so the logits depend on the whole past. Each probe draws with its own seeded torch.Generator:
torch.multinomial's draws (an exponential per entry, then an argmax) are the same on every CPU,
unlike torch.randn's. The ties probe's table holds whole numbers, so that several logits equal
the k-th largest exactly (sums of halves of whole numbers are exact in float64)."""

import torch
from torch import nn

from rnnlab.diagnose import call, tagged
from rnnlab.probes import Inputs

# ---- exercise 1: stream_batches ----------------------------------------------------------------


def _batches(seed, length, n_streams, steps):
    """Random ids (not 0, 1, 2 ...: a stream read in the wrong order must not look right)."""

    def probe(names):
        ids = torch.from_numpy(Inputs(seed).rng.integers(0, 1000, size=length)).long()
        return call(names["stream_batches"], ids, n_streams, steps)

    return probe


# ---- exercise 2: masked_perplexity -------------------------------------------------------------


def _perplexity(seed, lengths, steps, vocab):
    def probe(names):
        r = Inputs(seed)
        logits = r.randn(len(lengths), steps, vocab, scale=2.0)
        for b, n in enumerate(lengths):  # wild values in the padding
            logits[b, n:] = r.randn(steps - n, vocab, scale=20.0)
        targets = torch.from_numpy(r.rng.integers(0, vocab, size=(len(lengths), steps))).long()
        mask = torch.arange(steps) < torch.tensor(lengths).unsqueeze(1)
        return call(names["masked_perplexity"], logits, targets, mask)

    return probe


# ---- exercise 3: sample_tokens -----------------------------------------------------------------


def _sampled(sample_tokens, table, first, state, n, temperature, top_k, seed):
    """The sample drawn with a model whose state carries the whole past, from a seeded generator."""

    def step(token, state):
        state = 0.5 * state + table[token]
        return state.clone(), state

    return sample_tokens(step, first, state, n, temperature, top_k, torch.Generator().manual_seed(seed))


def _sample(seed, vocab, first, n, temperature, top_k, whole=False):
    def probe(names):
        table = Inputs(seed).randn(vocab, vocab, scale=2.0)
        if whole:  # ties at the k-th largest
            table = table.round()
        return call(
            _sampled,
            names["sample_tokens"],
            table,
            first,
            torch.zeros(vocab, dtype=torch.float64),
            n,
            temperature,
            top_k,
            900 + seed,
        )

    return probe


def _sampled_by_default(sample_tokens, table, first, state, n):
    """The sample drawn with temperature, top_k and generator left out (torch's global generator,
    which run_probes seeds before every probe)."""

    def step(token, state):
        state = 0.5 * state + table[token]
        return state.clone(), state

    return sample_tokens(step, first, state, n)


def _sample_by_default(seed, vocab, first, n):
    def probe(names):
        table = Inputs(seed).randn(vocab, vocab, scale=2.0)
        return call(
            _sampled_by_default, names["sample_tokens"], table, first, torch.zeros(vocab, dtype=torch.float64), n
        )

    return probe


# ---- exercise 4: gru_forward -------------------------------------------------------------------


def _gru_and_grad(gru_forward, gru, x, h0):
    """The result, and which of its tensors hang on the autograd graph (the exercise works under
    torch.no_grad(): none should)."""
    result = gru_forward(gru, x, h0)
    attached = (
        [bool(t.requires_grad) for t in result if isinstance(t, torch.Tensor)]
        if isinstance(result, (tuple, list))
        else None
    )
    return result, attached


def _gru(seed, layers, n_in, n_hid, T, B, with_h0):
    def probe(names):
        r = Inputs(seed)
        gru = r.module(nn.GRU(n_in, n_hid, num_layers=layers), scale=0.8)
        x = r.randn(T, B, n_in)
        h0 = r.randn(layers, B, n_hid) if with_h0 else None
        return call(_gru_and_grad, names["gru_forward"], gru, x, h0)

    return probe


PROBES = {
    "stream_batches": [
        _batches(1, 27, 3, 4),  # the text splits evenly (27 = 3 x 9), rows cut into whole chunks
        _batches(2, 24, 2, 3),  # a tail left over in every row
        tagged(_batches(3, 10, 1, 3), "size_one"),  # one stream
        tagged(_batches(4, 9, 2, 1), "size_one"),  # chunks of one step
        tagged(_batches(5, 8, 2, 4), "refuse"),  # too short for one chunk: a ValueError
    ],
    "masked_perplexity": [
        _perplexity(11, [4, 2, 1], 4, 5),
        tagged(_perplexity(12, [2], 3, 4), "size_one"),  # a batch of one
        _perplexity(13, [3, 3], 3, 3),  # no padding
        _perplexity(14, [1, 5], 5, 6),
    ],
    "sample_tokens": [
        _sample(21, 5, 0, 8, 1.0, None),
        _sample(22, 6, 2, 8, 0.5, 3),
        _sample(23, 6, 1, 8, 2.0, None),
        _sample(24, 6, 3, 10, 1.0, 2, whole=True),
        _sample(25, 7, 0, 10, 1.0, 4, whole=True),
        tagged(_sample(26, 5, 1, 3, 0.0, None), "refuse"),  # a temperature of 0: a ValueError
        tagged(_sample_by_default(27, 6, 2, 8), "no_state"),  # temperature, top_k, generator left out
    ],
    "gru_forward": [
        _gru(31, 2, 3, 2, 3, 2, True),  # layer 1 reads 2 values, x has 3
        tagged(_gru(32, 2, 2, 2, 3, 1, False), "no_state", "size_one"),
        _gru(33, 1, 2, 3, 2, 2, True),
        tagged(_gru(34, 3, 1, 1, 2, 1, True), "size_one"),  # sizes of 1
        tagged(_gru(35, 2, 3, 2, 3, 2, False), "no_state"),  # no h0, no size of 1
    ],
}
