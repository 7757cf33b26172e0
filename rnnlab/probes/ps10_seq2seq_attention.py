"""Probes of ps10: scaled and masked attention weights (also whether gradients reach the query and
the keys), a decoder step that attends with the previous state, a beam search with one call of the
decoder per step, states that follow their hypotheses and a final ranking by score per token (also
of width 1), and exact match with per-token accuracy of outputs
cut at their EOS.

The beam search's toy models are tables of log-probabilities, one row per previous token, whose
entries are plain decimals (no log computed here: torch.log's last bits differ between CPUs, and a
near tie could then rank two hypotheses either way). Only the tie probes hold equal entries."""

import torch
from torch import nn

from rnnlab.diagnose import call, tagged
from rnnlab.probes import Inputs

# ---- exercise 1: attention_weights -------------------------------------------------------------


def _lengths(lengths):
    return torch.tensor(lengths, dtype=torch.int64)


def _weights(seed, lengths, S, H):
    def probe(names):
        r = Inputs(seed)
        query, keys = r.randn(len(lengths), H, scale=2.0), r.randn(len(lengths), S, H, scale=2.0)
        return call(names["attention_weights"], query, keys, _lengths(lengths))

    return probe


def _with_grads(attention_weights, query, keys, lengths, coef):
    """The weights, and the gradients of sum(coef * weights) with respect to the query and the
    keys (None where no gradient reaches them)."""
    q, k = query.clone().requires_grad_(True), keys.clone().requires_grad_(True)
    w = attention_weights(q, k, lengths)
    if not (isinstance(w, torch.Tensor) and w.requires_grad):
        return w, None, None
    gq, gk = torch.autograd.grad((w * coef).sum(), (q, k), allow_unused=True)
    return w.detach(), gq, gk


def _grads(seed, lengths, S, H):
    def probe(names):
        r = Inputs(seed)
        query, keys = r.randn(len(lengths), H), r.randn(len(lengths), S, H)
        coef = r.randn(len(lengths), S)
        return call(_with_grads, names["attention_weights"], query, keys, _lengths(lengths), coef)

    return probe


# ---- exercise 2: decoder_step ------------------------------------------------------------------


class _Layers(nn.Module):
    def __init__(self, V, E, H):
        super().__init__()
        self.embed, self.cell, self.out = nn.Embedding(V, E), nn.LSTMCell(E + H, H), nn.Linear(2 * H, V)


def _step(seed, lengths, S, V, E, H):
    def probe(names):
        r = Inputs(seed)
        layers = r.module(_Layers(V, E, H))
        B = len(lengths)
        token = torch.from_numpy(r.rng.integers(0, V, size=B))
        state = (r.randn(B, H), r.randn(B, H))
        enc_out = r.randn(B, S, H, scale=1.5)
        return call(names["decoder_step"], token, state, enc_out, _lengths(lengths), layers)

    return probe


def _step_with_grads(decoder_step, token, state, enc_out, lengths, layers, coef):
    """The step's logits, and the gradients of sum(coef * logits) with respect to the previous h
    and c and to enc_out (None where no gradient reaches them)."""
    h, c, enc = (t.clone().requires_grad_(True) for t in (*state, enc_out))
    logits = decoder_step(token, (h, c), enc, lengths, layers)[0]
    if not (isinstance(logits, torch.Tensor) and logits.requires_grad):
        return logits, None, None, None
    grads = torch.autograd.grad((logits * coef).sum(), (h, c, enc), allow_unused=True)
    return (logits.detach(), *grads)


def _step_grads(seed, lengths, S, V, E, H):
    def probe(names):
        r = Inputs(seed)
        layers = r.module(_Layers(V, E, H))
        B = len(lengths)
        token = torch.from_numpy(r.rng.integers(0, V, size=B))
        state = (r.randn(B, H), r.randn(B, H))
        enc_out = r.randn(B, S, H)
        coef = r.randn(B, V)
        return call(_step_with_grads, names["decoder_step"], token, state, enc_out, _lengths(lengths), layers, coef)

    return probe


# ---- exercise 3: beam_search_batched -----------------------------------------------------------


def _table_step(rows, calls=None):
    """A batched step from a table of log-probabilities by previous token; the state counts the steps.
    `calls`, if given, receives the number of hypotheses of every call."""
    table = torch.tensor(rows, dtype=torch.float64)

    def step(tokens, states):
        if calls is not None:
            calls.append(len(tokens))
        return table[tokens].clone(), states + 1

    return step


def _start():
    return torch.zeros(1, 1, dtype=torch.float64)


def _beam(rows, k, max_len, bos=0, eos=1):
    def probe(names):
        return call(names["beam_search_batched"], _table_step(rows), _start(), k, max_len, bos, eos)

    return probe


def _beam_calls(rows, k, max_len):
    """The search and the batch sizes step was called with: one call per step, up to k rows each."""

    def probe(names):
        calls = []
        record = call(names["beam_search_batched"], _table_step(rows, calls), _start(), k, max_len, 0, 1)
        return {**record, "calls": calls}

    return probe


def _beam_seen(tables, k, max_len):
    """A step whose table depends on the state too: the state counts the 3s read, and tables[1] is
    used once a 3 has been read. A hypothesis given another's state then goes another way."""
    table = torch.tensor(tables, dtype=torch.float64)

    def step(tokens, states):
        new_states = states + (tokens == 3).double()[:, None]
        return table[(new_states[:, 0] > 0).long(), tokens].clone(), new_states

    def probe(names):
        return call(names["beam_search_batched"], step, _start(), k, max_len, 0, 1)

    return probe


NEG = -30.0  # a token that is (almost) never chosen

_PLAIN = [
    [NEG, -2.3, -0.7, -0.9],  # after BOS (0); EOS is 1
    [NEG, 0.0, NEG, NEG],  # after EOS (never used)
    [NEG, -0.5, -2.3, -1.2],  # after 2
    [NEG, -0.1, -3.0, -2.9],
]  # after 3
# EOS at once ([1]) finishes first and has the higher total, [2, 3, 1] the higher score per token
_SHORT_FIRST = [[NEG, -1.2, -0.35, NEG], [NEG, 0.0, NEG, NEG], [NEG, -3.0, -0.1, -2.4], [NEG, -0.05, -4.0, -4.1]]
# [2, 1] ranks before [3, 3, 1] per token (and by total), after it if EOS is not counted
_EOS_LENGTH = [[NEG, -3.0, -0.6, -0.5], [NEG, 0.0, NEG, NEG], [NEG, -0.4, -3.0, -3.1], [NEG, -1.0, -1.4, -0.3]]
# nothing ends within 3 steps: the live hypotheses are the answer
_NEVER_ENDS = [[NEG, NEG, -0.2, -0.9], [NEG, 0.0, NEG, NEG], [NEG, -8.0, -0.6, -0.7], [NEG, -9.0, -0.4, -1.1]]
# [1] finishes at step 1 and two live extensions of [2] then score higher: set aside, it stays in the
# result; the beam keeps two live hypotheses at step 3, and [2, 3, 1] (from the second) finishes
_OVERTAKEN = [[NEG, -0.6, -0.5, NEG], [NEG, 0.0, NEG, NEG], [NEG, -1.0, -0.01, -0.02], [NEG, -0.001, -3.0, -3.0]]
_FLAT = [[-1.0] * 4] * 4  # every token tied (EOS is 3 there)
# the states matter: after step 1 the batch holds [2] and [3] in that order, [3] the likelier (the
# visible test's toy, as log-probabilities of plain decimals); a second pair of tables the same way
_SEEN = [
    [[NEG, -2.3, -1.6, -0.36], [NEG, 0.0, NEG, NEG], [NEG, -1.2, -1.2, -0.92], [NEG, -2.3, -1.6, -0.36]],
    [[NEG, 0.0, NEG, NEG], [NEG, 0.0, NEG, NEG], [NEG, -1.6, -1.2, -0.69], [NEG, -1.2, -0.51, -2.3]],
]
_SEEN_2 = [
    [[NEG, -1.6, -0.9, -1.0], [NEG, 0.0, NEG, NEG], [NEG, -0.3, -2.0, -1.5], [NEG, -0.4, -1.9, -1.8]],
    [[NEG, 0.0, NEG, NEG], [NEG, 0.0, NEG, NEG], [NEG, -2.2, -0.2, -2.5], [NEG, -1.9, -0.6, -0.9]],
]

# ---- exercise 4: exact_match -------------------------------------------------------------------


def _tokens(rows, width=3):
    """An int64 (B, L) tensor of these rows; an empty batch has `width` columns."""
    return torch.tensor(rows, dtype=torch.int64) if rows else torch.zeros(0, width, dtype=torch.int64)


def _match(predicted, target, eos=2, pad=0):
    def probe(names):
        return call(names["exact_match"], _tokens(predicted), _tokens(target), eos, pad)

    return probe


PROBES = {
    "attention_weights": [
        _weights(1, (4, 2, 1), 4, 3),
        tagged(_weights(2, (2,), 3, 2), "size_one"),  # a batch of one
        tagged(_weights(3, (3, 4), 3, 2), "refuse"),  # a length above S
        tagged(_weights(4, (2, 0), 3, 2), "refuse"),  # a length of 0
        _grads(5, (3, 1), 3, 4),
    ],
    "decoder_step": [
        _step(11, (3, 1), 3, 4, 2, 3),
        tagged(_step(12, (2,), 2, 3, 3, 1), "size_one"),  # a batch of one, H = 1
        _step(13, (2, 4, 1), 4, 5, 2, 2),
        _step_grads(14, (3, 2), 3, 4, 2, 3),  # gradients reach the state and enc_out
    ],
    "beam_search_batched": [
        _beam_calls(_PLAIN, 2, 5),
        _beam(_SHORT_FIRST, 2, 6),
        _beam(_EOS_LENGTH, 2, 6),
        _beam(_NEVER_ENDS, 2, 3),
        _beam(_FLAT, 3, 2, 0, 3),
        _beam(_OVERTAKEN, 2, 3),
        tagged(_beam(_PLAIN, 1, 5), "size_one"),  # width 1: greedy
        _beam_seen(_SEEN, 3, 3),
        _beam_seen(_SEEN_2, 2, 4),
        _beam_seen(_SEEN_2, 3, 4),
    ],
    "exact_match": [
        _match([[5, 4, 3, 2, 9], [6, 2, 7, 7, 7]], [[5, 4, 3, 2], [6, 2, 0, 0]]),  # right, with leftovers
        # stops early; never stops; a pad id written before the EOS
        _match([[5, 4, 2, 2, 9], [6, 6, 6, 6, 6], [3, 0, 5, 2, 0]], [[5, 4, 3, 2], [6, 2, 0, 0], [3, 4, 5, 2]]),
        # other ids, the predictions shorter than the targets: one stops late, one is right
        _match([[4, 4, 0], [5, 0, 3]], [[4, 0, 9, 9], [5, 0, 9, 9]], eos=0, pad=9),
        tagged(_match([[3, 2]], [[3, 3]]), "refuse"),  # a target without EOS
        tagged(_match([], []), "refuse"),  # an empty batch
        tagged(_match([[4, 2, 9]], [[4, 2, 0]]), "size_one"),  # a batch of one, right with a leftover
    ],
}
