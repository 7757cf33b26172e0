"""Probes of ps04: the shapes nn.LSTM returns, truncated BPTT over streams with resets, the spam
classifier for messages padded at the start, and the three-year forecaster with its naive forecast.

The classes are built inside the probed call (an error in a constructor is its behaviour too), and
their layers are filled here by kind (embedding, then LSTM, then linear), so that the order in
which an answer creates them does not matter. Where the exercise asks for more than values (a
detached state, an LSTM that learns), the probed call reports that too."""

import functools

import torch
from torch import nn

from rnnlab.diagnose import call, tagged
from rnnlab.probes import Inputs

# ---- exercise 1: shapes ------------------------------------------------------------------------


def _shapes(seq_len, batch, input_size, hidden_size, **options):
    def probe(names):
        return call(functools.partial(names["lstm_output_shapes"], **options), seq_len, batch, input_size, hidden_size)

    return probe


# ---- exercise 2: truncated BPTT ----------------------------------------------------------------


class _SGD:
    """Plain gradient descent with the two methods train_tbptt calls. torch.optim's first
    optimizer of a process imports torch._dynamo, a second's work: too slow for a probe."""

    def __init__(self, params, lr):
        self.params, self.lr = list(params), lr

    def zero_grad(self, set_to_none=True):
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self, closure=None):
        for p in self.params:
            if p.grad is not None:
                p.add_(p.grad, alpha=-self.lr)


def _tbptt_run(train_tbptt):
    """train_tbptt's result, and whether the returned h and c still require a gradient."""

    def run(*args):
        result = train_tbptt(*args)
        attached = None
        if isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], (tuple, list)):
            attached = [bool(getattr(s, "requires_grad", False)) for s in result[1]]
        return result, attached

    return run


def _tbptt(seed, T, batch, n_in, n_hid, n_out, layers, chunk_len, resets, batch_first=False, lr=0.5):
    def probe(names):
        r = Inputs(seed)
        lstm = r.module(nn.LSTM(n_in, n_hid, num_layers=layers, batch_first=batch_first))
        head = r.module(nn.Linear(n_hid, n_out))
        x, y = r.randn(T, batch, n_in), r.randn(T, batch, n_out)
        if batch_first:
            x, y = x.transpose(0, 1).contiguous(), y.transpose(0, 1).contiguous()
        optimizer = _SGD([*lstm.parameters(), *head.parameters()], lr)
        flags = torch.tensor(resets, dtype=torch.bool)
        return call(_tbptt_run(names["train_tbptt"]), lstm, head, x, y, chunk_len, optimizer, flags)

    return probe


# ---- exercise 3: the spam classifier -----------------------------------------------------------


def _messages(r, lengths, seq_len, vocab_size):
    """Messages padded with 0 at the start: row b's words are its last lengths[b] tokens."""
    tokens = torch.zeros(len(lengths), seq_len, dtype=torch.long)
    for b, n in enumerate(lengths):
        if n:
            tokens[b, seq_len - n :] = torch.from_numpy(r.rng.integers(1, vocab_size, size=n))
    return tokens, torch.tensor(lengths, dtype=torch.long)


def _lstm_learns(model, logits) -> list[bool]:
    """Whether each parameter of the model's LSTMs gets a gradient from the logits."""
    params = [p for m in model.modules() if type(m) is nn.LSTM for p in m.parameters()]
    if not params or not isinstance(logits, torch.Tensor) or not logits.requires_grad:
        return []
    grads = torch.autograd.grad(logits.sum(), params, allow_unused=True)
    return [g is not None for g in grads]


def _classifier(seed, sizes, by_keyword, lengths, seq_len):
    names_of = ("vocab_size", "embed_dim", "hidden_size", "num_classes")

    def probe(names):
        r = Inputs(seed)
        tokens, lens = _messages(r, lengths, seq_len, sizes[0])

        def run(cls, tokens, lens):
            model = cls(**dict(zip(names_of, sizes))) if by_keyword else cls(*sizes)
            logits = r.model(model)(tokens, lens)
            return logits, _lstm_learns(model, logits)

        return call(run, names["StartPaddedClassifier"], tokens, lens)

    return probe


# ---- exercise 4: the forecaster ----------------------------------------------------------------


def _naive(seed, n, window, horizons):
    def probe(names):
        return call(names["naive_multistep"], Inputs(seed).randn(n, window, 1), horizons)

    return probe


def _forecaster(seed, horizons, hidden_size, n, window):
    def probe(names):
        r = Inputs(seed)
        x = r.randn(n, window, 1)

        def run(cls, x):
            return r.model(cls(horizons, hidden_size=hidden_size))(x)

        return call(run, names["MultiStepForecaster"], x)

    return probe


PROBES = {
    "lstm_output_shapes": [
        tagged(_shapes(5, 3, 2, 4), "no_state"),  # every option left at its default
        _shapes(5, 3, 2, 4, num_layers=2, batch_first=True),
        _shapes(4, 2, 3, 5, num_layers=2, bidirectional=True, proj_size=2),
        tagged(_shapes(5, None, 2, 4, num_layers=3), "size_one"),  # unbatched
        tagged(_shapes(3, None, 2, 4, bidirectional=True, batch_first=True, proj_size=1), "size_one"),
    ],
    "train_tbptt": [
        # two layers, three streams, chunks of 3, 3 and 1 steps; boundaries in streams 1 and 2
        _tbptt(11, 7, 3, 2, 3, 1, 2, 3, [[True, False, True], [False, True, False], [False, False, True]]),
        # no learning (lr 0), batch first, one layer: chunk 0's resets partly False
        _tbptt(12, 5, 2, 2, 2, 2, 1, 2, [[False, True], [True, False], [False, False]], batch_first=True, lr=0.0),
        # one stream, one unit, chunks of one step, no boundary after the start
        tagged(_tbptt(13, 4, 1, 2, 1, 1, 1, 1, [[False], [False], [False], [False]]), "size_one"),
        # a single chunk: the whole series at once
        _tbptt(14, 3, 2, 1, 2, 1, 1, 5, [[False, True]], lr=0.3),
    ],
    "spam_classifier": [
        # built positionally with every size different from the defaults; lengths unsorted
        _classifier(21, (12, 3, 4, 3), False, [2, 5, 1, 4], 6),
        # built by keyword; lengths already sorted, no message fills the row
        _classifier(22, (9, 2, 3, 2), True, [4, 3, 1], 5),
        # one message of one word, one unit
        tagged(_classifier(23, (7, 2, 1, 2), True, [1], 1), "size_one"),
    ],
    "forecaster": [
        _naive(31, 3, 4, 2),
        tagged(_naive(32, 1, 1, 3), "size_one"),
        _forecaster(33, 3, 4, 2, 5),
        tagged(_forecaster(34, 2, 3, 1, 4), "size_one"),
        _forecaster(35, 1, 2, 3, 2),
    ],
}
