"""Re-checks for ps09: stream batches, masked perplexity, the seeded sampler, a stacked GRU and
the graded quiz, called with inputs the tests never use and compared with references computed here,
each exercise with the rule its hidden tests keep (the course's functions it must not call).
The quiz keys are read from the hidden tests of the course being graded (source/ only)."""

import math

import torch
from torch import nn

from autograder.grading.recheck import Case, graded_quiz_cases

# the hidden tests' rules (forbid_calls), judged in the re-check process too: each exercise
# without the course's own rnnlab.language_model functions that do it (and gru_forward without
# torch's GRU and GRUCell)
LM = "rnnlab.language_model."
BATCHES_RULE = (LM + "batchify", LM + "chunks")
PERPLEXITY_RULE = (LM + "perplexity", LM + "bits_per_char", LM + "cross_entropy_of")
SAMPLE_RULE = (LM + "shape_logits", LM + "next_char_probs", LM + "generate", LM + "stepper")
GRU_RULE = (
    LM + "gru_step",
    "rnnlab.units.unit_trace",
    "torch.nn.modules.rnn.GRU.forward",
    "torch.nn.modules.rnn.GRUCell.forward",
)


def _batches_case(k, length, n, steps):
    ids = torch.randint(0, 40, (length,), generator=torch.Generator().manual_seed(9900 + k))
    per = (length - 1) // n
    chunks = per // steps
    x = torch.stack(
        [torch.stack([ids[s * per + j * steps : s * per + (j + 1) * steps] for s in range(n)]) for j in range(chunks)]
    )
    y = torch.stack(
        [
            torch.stack([ids[s * per + j * steps + 1 : s * per + (j + 1) * steps + 1] for s in range(n)])
            for j in range(chunks)
        ]
    )
    return Case(
        f"stream_batches_{k}",
        ["stream_batches_visible", "stream_batches_hidden"],
        "result = tuple(t.clone() for t in stream_batches(ids, n, steps))",
        {"ids": ids, "n": n, "steps": steps},
        (x, y),
        forbid=BATCHES_RULE,
    )


def _perplexity_case(k, lengths, vocab):
    g = torch.Generator().manual_seed(9910 + k)
    batch, steps = len(lengths), max(lengths) + 1
    logits = 2 * torch.randn(batch, steps, vocab, generator=g)
    targets = torch.randint(0, vocab, (batch, steps), generator=g)
    mask = torch.arange(steps) < torch.tensor(lengths).unsqueeze(1)
    nll = -torch.log_softmax(logits.double(), -1).gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    h = float(nll[mask].sum() / mask.sum())
    return Case(
        f"masked_perplexity_{k}",
        ["masked_perplexity_visible", "masked_perplexity_hidden"],
        "result = tuple(float(v) for v in masked_perplexity(logits, targets, mask))",
        {"logits": logits, "targets": targets, "mask": mask},
        (math.exp(h), h / math.log(2)),
        atol=1e-6,
        forbid=PERPLEXITY_RULE,
    )


def _sample_case(k, vocab, n, temperature, top_k):
    table = torch.randn(vocab, vocab, generator=torch.Generator().manual_seed(9920 + k))
    g, token, state, tokens, total = torch.Generator().manual_seed(9930 + k), 0, 0, [], 0.0
    for _ in range(n):
        values = (table[token] * (1 + 0.05 * state)).double() / temperature
        state += 1
        if top_k is not None:
            kth = values.sort(descending=True).values[top_k - 1]
            values = torch.where(values >= kth, values, torch.full_like(values, float("-inf")))
        probs = torch.softmax(values, 0)
        token = int(torch.multinomial(probs, 1, generator=g))
        tokens.append(token)
        total += math.log(float(probs[token]))
    code = (
        "def _step(token, state):\n    return table[token] * (1 + 0.05 * state), state + 1\n"
        f"_out = sample_tokens(_step, 0, 0, {n}, temperature={temperature}, top_k={top_k}, "
        f"generator=torch.Generator().manual_seed({9930 + k}))\n"
        "result = ([int(t) for t in _out[0]], float(_out[1]))"
    )
    return Case(
        f"sample_tokens_{k}",
        ["sample_tokens_visible", "sample_tokens_hidden"],
        code,
        {"table": table},
        (tokens, total),
        atol=1e-6,
        forbid=SAMPLE_RULE,
    )


def _gru_case(k, layers, n_in, n_hid, T, B):
    with torch.random.fork_rng():
        torch.manual_seed(9940 + k)
        gru = nn.GRU(n_in, n_hid, num_layers=layers)
        x, h0 = torch.randn(T, B, n_in), torch.randn(layers, B, n_hid)
    with torch.no_grad():
        output, h_n = gru(x, h0)
    inputs = dict(
        state={name: v.detach().clone() for name, v in gru.state_dict().items()},
        x=x,
        h0=h0,
        n_in=n_in,
        n_hid=n_hid,
        layers=layers,
    )
    code = (
        "layer = torch.nn.GRU(n_in, n_hid, num_layers=layers)\nlayer.load_state_dict(state)\n"
        "result = tuple(t.detach().clone() for t in gru_forward(layer, x, h0))"
    )
    return Case(
        f"gru_forward_{k}",
        ["gru_forward_visible", "gru_forward_hidden"],
        code,
        inputs,
        (output, h_n),
        atol=1e-5,
        forbid=GRU_RULE,
    )


def cases(course):
    out = [_batches_case(0, 301, 6, 7), _batches_case(1, 58, 2, 9)]
    out += [_perplexity_case(0, [4, 1, 7], 9), _perplexity_case(1, [2, 5], 4)]
    out += [_sample_case(0, 8, 15, 0.8, 3), _sample_case(1, 12, 10, 1.3, None)]
    out += [_gru_case(0, 2, 3, 4, 5, 2), _gru_case(1, 3, 2, 2, 3, 1)]
    return out + graded_quiz_cases("ps09_language_models", course)
