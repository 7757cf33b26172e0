"""Re-checks for ps06: merge_directions (its values, its gradient, its ValueError), lstm_param_count
(without building an RNN), BiTagger and the quiz answers."""

import torch
from torch import nn

from autograder.grading.recheck import Case, graded_quiz_cases


def _merge_case(k, layers, batch, size, dtype=torch.float64):
    """Every layer's forward and backward states side by side, and the gradient that flows back."""
    gen = torch.Generator().manual_seed(9900 + k)
    rest = () if batch is None else (batch,)
    h_n = torch.randn(2 * layers, *rest, size, generator=gen, dtype=dtype)
    weights = torch.randn(layers, *rest, 2 * size, generator=gen, dtype=dtype)
    merged = torch.stack([torch.cat([h_n[2 * j], h_n[2 * j + 1]], dim=-1) for j in range(layers)])
    grad = torch.stack([half for j in range(layers) for half in weights[j].split(size, dim=-1)])
    code = (
        f"_h = h_n.clone().requires_grad_()\n_m = merge_directions(_h, {layers})\n"
        "(_g,) = torch.autograd.grad((_m * weights).sum(), _h)\n"
        "result = (_m.detach().clone(), str(_m.dtype), _g.detach().clone())"
    )
    return Case(
        f"merge_directions_{k}",
        ["merge_directions_visible", "merge_directions_hidden"],
        code,
        {"h_n": h_n, "weights": weights},
        (merged, str(dtype), grad),
        atol=0,
    )


def _merge_refuses_case():
    code = (
        "result = []\n"
        "for _shape, _layers in [((4, 3, 2), 1), ((3, 2), 2)]:\n"
        "    try:\n"
        "        merge_directions(torch.zeros(_shape), _layers)\n"
        "        result.append('no error')\n"
        "    except ValueError:\n"
        "        result.append('ValueError')\n"
        "    except Exception as _err:\n"
        "        result.append(type(_err).__name__)"
    )
    return Case(
        "merge_directions_refuses",
        ["merge_directions_visible", "merge_directions_hidden"],
        code,
        {},
        ["ValueError", "ValueError"],
    )


# the hidden tests' rule (forbid_calls): the count from the shapes, no nn.LSTM (nor any RNN) built
COUNT_RULE = ("torch.nn.modules.rnn.RNNBase.__init__", "torch.nn.modules.rnn.RNNCellBase.__init__")


def _count(n_in, hidden, layers, bidirectional, proj):
    lstm = nn.LSTM(n_in, hidden, num_layers=layers, bidirectional=bidirectional, proj_size=proj)
    return sum(p.numel() for p in lstm.parameters())


def _count_case(k, configs):
    calls = ", ".join(f"lstm_param_count(*{c!r})" for c in configs)
    return Case(
        f"lstm_param_count_{k}",
        ["lstm_param_count_visible", "lstm_param_count_hidden"],
        f"result = [{calls}]",
        {},
        [_count(*c) for c in configs],
        forbid=COUNT_RULE,
    )


# The tagger is built in the student's kernel with the grader's seed; its parameters are copied
# out so the grader can recompute the logits with a reference model of the same layout.
_TAGGER = """
torch.manual_seed(seed)
model = BiTagger(vocab, embed, hidden, tags, num_layers=layers).eval()
params = sorted(((p.numel(), tuple(p.shape)) for p in model.parameters()))
with torch.no_grad():
    logits = model(tokens)
    first_changed = tokens.clone()
    first_changed[:, 0] = (first_changed[:, 0] + 1) % vocab
    last_changed = tokens.clone()
    last_changed[:, -1] = (last_changed[:, -1] + 1) % vocab
    reads_past = not torch.allclose(model(first_changed)[:, -1], logits[:, -1])
    reads_future = not torch.allclose(model(last_changed)[:, 0], logits[:, 0])
result = [list(logits.shape), sum(n for n, _ in params), reads_past, reads_future]
"""


def _tagger_case(k, vocab, embed, hidden, tags, layers, batch, length):
    gen = torch.Generator().manual_seed(9950 + k)
    tokens = torch.randint(0, vocab, (batch, length), generator=gen)
    lstm = sum(2 * (4 * hidden * ((embed if l == 0 else 2 * hidden) + hidden) + 8 * hidden) for l in range(layers))
    count = vocab * embed + lstm + 2 * hidden * tags + tags
    inputs = {
        "seed": 9960 + k,
        "vocab": vocab,
        "embed": embed,
        "hidden": hidden,
        "tags": tags,
        "layers": layers,
        "tokens": tokens,
    }
    return Case(
        f"bi_tagger_{k}",
        ["bi_tagger_visible", "bi_tagger_hidden"],
        _TAGGER,
        inputs,
        [[batch, length, tags], count, True, True],
    )


def cases(course):
    out = [
        _merge_case(0, 1, 2, 3),
        _merge_case(1, 3, 4, 5, torch.float32),
        _merge_case(2, 2, None, 4),
        _merge_refuses_case(),
    ]
    out += [
        _count_case(0, [(4, 6, 1, False, 0), (4, 6, 2, True, 0), (3, 7, 3, True, 2)]),
        _count_case(1, [(1, 2, 4, False, 1), (12, 9, 1, True, 5)]),
    ]
    out += [_tagger_case(0, 5, 4, 6, 3, 2, 3, 6), _tagger_case(1, 3, 2, 3, 2, 1, 2, 4)]
    return out + graded_quiz_cases("ps06_stacked_bidirectional", course)
