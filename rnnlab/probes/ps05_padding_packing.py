"""Probes of ps05: a time-first collate function that keeps each recording's most recent steps,
the final states of a bidirectional layer read from its padded output, a masked cross-entropy
per step or per sequence, and the check that a way of running a batch gives what each sequence
alone gives.

The last exercise returns a verdict, one bit per probe: each probe hands the answer a way of
running the batch that is right, or wrong in one place only (an output, a lower layer's h_n,
c_n, the last sequence), so the answers that look at too little, or too strictly, each say True
or False on their own set of probes. Its wrong ways differ from the right one by far more than
the tolerance, and its right way by 1e-7, so that no verdict depends on the last bits of a CPU's
arithmetic."""

import functools

import torch
from torch import nn
from torch.nn.utils.rnn import pack_sequence, pad_packed_sequence

from rnnlab.diagnose import call, tagged
from rnnlab.probes import Inputs

# ---- exercise 1: collate_recent ----------------------------------------------------------------


def _collate(seed, lengths, features, max_len):
    def probe(names):
        r = Inputs(seed)
        labels = r.rng.integers(0, 9, size=len(lengths)).tolist()
        items = [(r.randn(n, features, exact32=True), int(y)) for n, y in zip(lengths, labels)]
        return call(names["collate_recent"], items, max_len)

    return probe


# ---- exercise 2: bidirectional_final -----------------------------------------------------------


def _final_run(bidirectional_final):
    """The result, and whether it still carries the gradient to output (the exercise asks for it)."""

    def run(output, lengths):
        result = bidirectional_final(output, lengths)
        return result, bool(getattr(result, "requires_grad", False))

    return run


def _final(seed, steps, lengths, hidden):
    def probe(names):
        output = Inputs(seed).randn(steps, len(lengths), 2 * hidden).requires_grad_()
        return call(_final_run(names["bidirectional_final"]), output, torch.tensor(lengths, dtype=torch.int64))

    return probe


# ---- exercise 3: masked_cross_entropy ----------------------------------------------------------


def _ce(seed, lengths, steps, classes, per_sequence):
    def probe(names):
        r = Inputs(seed)
        logits = r.randn(steps, len(lengths), classes)
        for b, n in enumerate(lengths):  # garbage in the padding
            logits[n:, b] = r.randn(steps - n, classes, scale=20.0)
        tags = torch.from_numpy(r.rng.integers(0, classes, size=(steps, len(lengths))))
        fn = (
            names["masked_cross_entropy"]
            if per_sequence is None
            else functools.partial(names["masked_cross_entropy"], per_sequence=per_sequence)
        )
        return call(fn, logits, tags, torch.tensor(lengths, dtype=torch.int64))

    return probe


# ---- exercise 4: packed_matches_alone ----------------------------------------------------------


def _packed(lstm, sequences):
    packed_out, (h_n, c_n) = lstm(pack_sequence(sequences, enforce_sorted=False))
    output, _ = pad_packed_sequence(packed_out, batch_first=True)
    return [output, h_n, c_n]


def _run(seed, change):
    """A way of running the batch: packing, then `change` applied to [output, h_n, c_n]."""

    def run_batch(lstm, sequences):
        parts = [p.detach().clone() for p in _packed(lstm, sequences)]
        change(parts, sequences, Inputs(seed))
        return tuple(parts)

    return run_batch


def _rounding(parts, sequences, r):  # right: every number off by about 1e-7
    for p in parts:
        p += 1e-7 * r.randn(*p.shape).clamp(-3, 3)


def _output_off(parts, sequences, r):  # sequence 0's output a little off at step 1
    parts[0][0, 1, 0] += 1e-3


def _last_output_off(parts, sequences, r):  # the last sequence's output off at its last real step
    parts[0][-1, len(sequences[-1]) - 1, -1] += 1.0


def _bottom_h_off(parts, sequences, r):  # h_n of the bottom layer off, last sequence
    parts[1][0, -1, 0] += 1e-2


def _padding_filled(parts, sequences, r):  # right: rounding, and the padded slots not zero
    _rounding(parts, sequences, r)
    for b, seq in enumerate(sequences):
        parts[0][b, len(seq) :] = 5.0


def _early_output_off(parts, sequences, r):  # sequence 1's output far off at its first step
    parts[0][1, 0, 0] += 1.0


def _alone_each(lstm, sequences):
    """Right, and bitwise: each sequence run alone, as the check itself runs it, padded with zeros."""
    outs, hs, cs = [], [], []
    for seq in sequences:
        out, (h, c) = lstm(seq.unsqueeze(0))
        outs.append(out[0].detach())
        hs.append(h.detach())
        cs.append(c.detach())
    return (torch.nn.utils.rnn.pad_sequence(outs, batch_first=True), torch.cat(hs, 1), torch.cat(cs, 1))


def _c_off(parts, sequences, r):  # c_n of the top layer off, sequence 0
    parts[2][-1, 0, 1] += 1e-2


def _proof(seed, change, lengths=(3, 5, 2), layers=2, bidirectional=False, run=None):
    def probe(names):
        r = Inputs(seed)
        lstm = r.module(nn.LSTM(2, 3, num_layers=layers, batch_first=True, bidirectional=bidirectional))
        sequences = [r.randn(n, 2) for n in lengths]
        return call(names["packed_matches_alone"], lstm, sequences, run or _run(seed + 100, change))

    return probe


PROBES = {
    "collate_recent": [
        _collate(1, (2, 5, 1), 2, 3),  # one recording cut; lengths not sorted
        _collate(2, (6, 3, 4, 2), 1, 2),  # every recording but the last cut, one feature
        _collate(3, (3, 1), 3, 10),  # max_len beyond every length: nothing cut
        tagged(_collate(4, (4,), 2, 4), "size_one"),  # a batch of one, as long as max_len
    ],
    "bidirectional_final": [
        _final(11, 4, (4, 2, 3), 2),
        tagged(_final(12, 5, (3, 1), 1), "size_one"),  # padded beyond the longest (total_length), hidden 1
        _final(13, 3, (1, 3, 2, 3), 2),
        tagged(_final(14, 1, (1,), 3), "size_one"),  # one sequence of one step
    ],
    "masked_cross_entropy": [
        _ce(21, (3, 1), 3, 4, False),
        _ce(22, (3, 1), 3, 4, True),
        _ce(23, (2, 4, 1), 4, 3, False),
        _ce(24, (2, 4, 1), 4, 3, True),
        tagged(_ce(25, (3,), 3, 2, True), "size_one"),  # a batch of one, no padding
        tagged(_ce(26, (2, 4, 3), 4, 3, None), "no_state"),  # per_sequence left out
    ],
    "packed_matches_alone": [
        _proof(31, _rounding),  # right, up to rounding
        _proof(32, _output_off),
        _proof(33, _bottom_h_off),
        _proof(34, _c_off, layers=1, bidirectional=True),
        _proof(35, _last_output_off, layers=1),
        _proof(36, _padding_filled, lengths=(2, 4, 1)),  # right; its padded slots hold 5.0
        _proof(37, _early_output_off, lengths=(4, 3, 2, 5), layers=1),
        _proof(38, None, lengths=(3, 1, 4), run=_alone_each),  # right, bitwise equal to running alone
    ],
}
