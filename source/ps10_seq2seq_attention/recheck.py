"""Re-checks for ps10: attention weights, the decoder step, beam search and exact match, called
with inputs the tests never use and compared with references computed here; and the quiz."""

import math

import torch
from torch import nn

from autograder.grading.recheck import Case, graded_quiz_cases


def _weights(q, k, n):
    out = torch.zeros(k.shape[0], k.shape[1])
    for b in range(k.shape[0]):
        out[b, : int(n[b])] = torch.softmax(k[b, : int(n[b])] @ q[b] / math.sqrt(k.shape[2]), 0)
    return out


def _attention_case(k, B, S, H):
    g = torch.Generator().manual_seed(10_100 + k)
    keys, query = torch.randn(B, S, H, generator=g), torch.randn(B, H, generator=g)
    lengths = torch.randint(1, S + 1, (B,), generator=g)
    return Case(
        f"attention_weights_{k}",
        ["attention_weights_visible", "attention_weights_hidden"],
        "result = attention_weights(query, keys, lengths).detach().clone()",
        {"query": query, "keys": keys, "lengths": lengths},
        _weights(query, keys, lengths),
        atol=1e-5,
    )


def _step_case(k, B, S, V, E, H):
    with torch.random.fork_rng():
        torch.manual_seed(10_110 + k)
        embed, cell, out = nn.Embedding(V, E), nn.LSTMCell(E + H, H), nn.Linear(2 * H, V)
        enc, h, c = torch.randn(B, S, H), torch.randn(B, H), torch.randn(B, H)
        token, lengths = torch.randint(0, V, (B,)), torch.randint(1, S + 1, (B,))
    with torch.no_grad():
        w = _weights(h, enc, lengths)
        ctx = torch.einsum("bs,bsh->bh", w, enc)
        h_new, c_new = cell(torch.cat([embed(token), ctx], -1), (h, c))
        logits = out(torch.cat([h_new, ctx], -1))
    state = {"embed": embed.state_dict(), "cell": cell.state_dict(), "out": out.state_dict()}
    code = (
        "import torch as _t\nfrom torch import nn as _nn\n"
        "class _L(_nn.Module):\n"
        f"    def __init__(self):\n        super().__init__()\n"
        f"        self.embed, self.cell, self.out = _nn.Embedding({V}, {E}), _nn.LSTMCell({E + H}, {H}), _nn.Linear({2 * H}, {V})\n"
        "_layers = _L()\n"
        "for _name in ('embed', 'cell', 'out'):\n    getattr(_layers, _name).load_state_dict(state[_name])\n"
        "with _t.no_grad():\n"
        "    _r = decoder_step(token, (h, c), enc, lengths, _layers)\n"
        "result = (_r[0].clone(), (_r[1][0].clone(), _r[1][1].clone()), _r[2].clone())"
    )
    return Case(
        f"decoder_step_{k}",
        ["decoder_step_visible", "decoder_step_hidden"],
        code,
        {"state": state, "enc": enc, "h": h, "c": c, "token": token, "lengths": lengths},
        (logits, (h_new, c_new), w),
        atol=1e-5,
    )


def _beam_reference(table, k, max_len, bos, eos):
    live, done = [((), 0.0)], []
    for _ in range(max_len):
        ext = sorted(
            ((t + (v,), s + float(table[t[-1] if t else bos][v])) for t, s in live for v in range(table.shape[1])),
            key=lambda e: (-e[1], e[0]),
        )[:k]
        done += [e for e in ext if e[0][-1] == eos]
        live = [e for e in ext if e[0][-1] != eos]
        if len(done) >= k or not live:
            break
    key = lambda h: (-h[1] / len(h[0]), h[0])
    ranked = sorted(done, key=key)
    ranked += sorted(live, key=key)[: max(0, k - len(ranked))]
    return [(list(t), s) for t, s in ranked[:k]]


def _beam_case(k, V, width, max_len):
    """A table of log-probabilities by previous token, as a batched step; the state counts the steps."""
    g = torch.Generator().manual_seed(10_120 + k)
    table = torch.log_softmax(torch.randn(V, V, generator=g) * 2, dim=1).double()
    code = (
        "import torch as _torch\n"
        "result = [(list(_t), float(_s)) for _t, _s in beam_search_batched("
        f"lambda _tok, _st: (table[_tok], _st + 1), _torch.zeros(1, 1), {width}, {max_len}, 0, 1)]"
    )
    return Case(
        f"beam_search_batched_{k}",
        ["beam_search_batched_visible", "beam_search_batched_hidden"],
        code,
        {"table": table},
        _beam_reference(table, width, max_len, 0, 1),
        atol=1e-6,
    )


def _match_case(k, B, T, L):
    g = torch.Generator().manual_seed(10_130 + k)
    lengths = torch.randint(0, T, (B,), generator=g)
    target = torch.zeros(B, T, dtype=torch.long)
    predicted = torch.randint(2, 6, (B, L), generator=g)
    for b in range(B):
        target[b, : lengths[b]] = torch.randint(3, 6, (int(lengths[b]),), generator=g)
        target[b, lengths[b]] = 2
        if b % 2 == 0:
            n = min(int(lengths[b]) + 1, L)
            predicted[b, :n] = target[b, :n]
    exact = right = total = 0
    for p, t in zip(predicted.tolist(), target.tolist()):
        t = t[: t.index(2) + 1]
        p = p[: p.index(2) + 1] if 2 in p else p
        exact += p == t
        right += sum(1 for i, x in enumerate(t) if i < len(p) and p[i] == x)
        total += len(t)
    return Case(
        f"exact_match_{k}",
        ["exact_match_visible", "exact_match_hidden"],
        "result = tuple(float(v) for v in exact_match(predicted, target, 2, 0))",
        {"predicted": predicted, "target": target},
        (exact / B, right / total),
        atol=1e-9,
    )


def cases(course):
    out = [
        _attention_case(0, 3, 6, 5),
        _attention_case(1, 1, 4, 32),
        _step_case(0, 2, 5, 9, 3, 4),
        _step_case(1, 4, 3, 6, 5, 7),
        _beam_case(0, 6, 3, 6),
        _beam_case(1, 4, 2, 8),
        _match_case(0, 7, 5, 6),
        _match_case(1, 3, 6, 4),
    ]
    return out + graded_quiz_cases("ps10_seq2seq_attention", course)
