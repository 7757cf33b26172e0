"""Every quiz choice that is Python is run, and only the keyed one may give the true value.

For each question whose choices include code, a setup builds what the question talks about (the
layer, the tensors, the counts) and computes the true value another way than the choices do
(running each sequence alone, probing a gate through what the layer computes, scikit-learn's
metrics, ...). Each choice that parses as Python is then evaluated in a fresh copy of that
namespace. The test fails when the keyed choice does not give the true value, and when a wrong
choice does: a question with two right answers is a question a student can get wrong by being
right.

How values are compared: tensors by shape and torch.allclose; tuples, lists and booleans with
==; integers exactly (an integer choice is a count or an exact value); decimals after rounding the
true value to as many decimals as the choice is written with (0.91 against 0.90909...). A choice
that raises an error gives no value, which is right for a wrong choice and a failure for the
keyed one. Choices written like `output (30, 4, 16), h_n (2, 4, 16)` are evaluated with
`output` and `h_n` as functions that tag a shape with its name.

A choice that parses as Python (as an expression or as a statement) but is not code in the
question's sense is exempted, with the reason, in EXEMPT below; every other one must have a
setup in SPECS, or the coverage test fails.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import torch
from sklearn import metrics as skm
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pack_sequence, pad_packed_sequence, pad_sequence

from rnnlab.quiz import available_chapters, load_quiz

# (chapter, question, letter) -> why this choice, although it parses, is not evaluated
EXEMPT = {
    ("03", "q1", "d"): "'none, g is linear' is prose that happens to parse as a tuple",
    ("03", "q2", "a"): "gate letters, not an expression; the order i, f, g, o is checked against "
    "nn.LSTM's own output by tests/rnnlab/test_gates.py, which recomputes the gates with it",
    ("03", "q2", "b"): "gate letters (see q2 a)",
    ("03", "q2", "c"): "gate letters (see q2 a)",
    ("03", "q2", "d"): "gate letters (see q2 a)",
    ("05", "q7", "d"): "'Neither' is a word of prose that parses as a Python name",
}


@dataclass
class Spec:
    setup: Callable[[], tuple[dict, object]]  # -> (namespace, true value)
    observe: Callable | None = None  # (namespace, value) -> what is compared
    atol: float = 1e-6


SPECS: dict[tuple[str, str], Spec] = {}


def spec(chapter: str, qid: str, observe=None, atol: float = 1e-6):
    def register(setup):
        SPECS[(chapter, qid)] = Spec(setup, observe, atol)
        return setup

    return register


def tag(name):
    """`output (30, 4, 16)` in a choice: the shape, labelled with what it is the shape of."""
    return lambda *shape: (name, tuple(shape))


def run_alone(lstm, sequence):
    """The output of `lstm` on one unbatched sequence (steps, features): no batch, no padding."""
    return lstm(sequence)[0]


# ---------------------------------------------------------------- chapter 01
@spec("01", "q3")
def _():
    sequences = [torch.randn(50, 8) for _ in range(32)]
    batch = pad_sequence(sequences)  # time-major by default, as nn.RNN reads by default
    _, h_n = nn.RNN(8, 16)(batch)
    assert h_n.shape[1] == 32  # the layer sees 32 sequences
    return {}, tuple(batch.shape)


@spec("01", "q4")
def _():
    x = torch.arange(24.0).view(4, 2, 3)  # (seq_len, batch, features)
    return {"x": x}, torch.stack([x[:, b] for b in range(x.shape[1])])


@spec("01", "q5")
def _():
    n, window, horizon = 100, 10, 5
    starts = [k for k in range(n) if k + window - 1 + horizon < n]
    return {}, len(starts)


@spec("01", "q7")
def _():
    emb = nn.Embedding(1000, 16)
    return {}, tuple(emb(torch.randint(0, 1000, (20, 4))).shape)


# ---------------------------------------------------------------- chapter 02
@spec("02", "q3")
def _():
    return {}, tuple(nn.RNN(10, 20).weight_ih_l0.shape)


def _shapes(layer, x):
    output, h_n = layer(x)
    h_n = h_n[0] if isinstance(h_n, tuple) else h_n
    return ({"output": tag("output"), "h_n": tag("h_n")}, (("output", tuple(output.shape)), ("h_n", tuple(h_n.shape))))


@spec("02", "q4")
def _():
    return _shapes(nn.RNN(8, 16, num_layers=2), torch.randn(30, 4, 8))


@spec("02", "q5")
def _():
    return _shapes(nn.RNN(8, 16, batch_first=True, bidirectional=True), torch.randn(4, 30, 8))


@spec("02", "q6")
def _():
    return {}, sum(p.numel() for p in nn.RNN(10, 20).parameters())


@spec("02", "q7")
def _():
    rnn, head = nn.RNN(8, 32), nn.Linear(32, 5)
    output, h_n = rnn(torch.randn(12, 64, 8))
    return {"output": output, "h_n": h_n}, head(h_n[-1]).argmax(dim=1)


@spec("02", "q8")
def _():
    rnn = nn.RNN(3, 4, num_layers=2, batch_first=True)
    x = torch.randn(5, 7, 3)
    _, h_n = rnn(x)  # h_0 has the shape of h_n
    rnn(x, torch.zeros(h_n.shape))
    return {}, tuple(h_n.shape)


# ---------------------------------------------------------------- chapter 03
def _constant_gates(i, f, g, o):
    """An nn.LSTMCell(1, 1) without weights: each gate's pre-activation is the bias given."""
    cell = nn.LSTMCell(1, 1)
    with torch.no_grad():
        cell.weight_ih.zero_()
        cell.weight_hh.zero_()
        cell.bias_hh.zero_()
        cell.bias_ih.copy_(torch.tensor([i, f, g, o]))
    return cell


@spec("03", "q1", observe=lambda ns, fn: fn(ns["_z"]))  # a choice names a function: apply it
def _():
    # c_1 of a cell with the input gate open, the forget gate shut, c_0 = 0 and the candidate's
    # pre-activation z is i * g = g(z)
    cell = _constant_gates(30.0, -30.0, 0.0, 0.0)
    with torch.no_grad():
        cell.weight_ih[2, 0] = 1.0  # g's pre-activation is x
    z = torch.linspace(-3, 3, 13).view(-1, 1)
    with torch.no_grad():
        _, c_1 = cell(z, (torch.zeros(13, 1), torch.zeros(13, 1)))
    ns = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "ReLU": torch.relu, "_z": z}
    return ns, c_1


@spec("03", "q3")
def _():
    return {}, tuple(nn.LSTM(10, 20).weight_hh_l0.shape)


@spec("03", "q4")
def _():
    cell = _constant_gates(-100.0, 0.0, 0.0, 0.0)  # i = 0, f = sigmoid(0) = 0.5
    with torch.no_grad():
        h, c = torch.zeros(1, 1), torch.ones(1, 1)
        for _ in range(10):
            h, c = cell(torch.zeros(1, 1), (h, c))
    return {}, float(c)


@spec("03", "q7")
def _():
    lstm = nn.LSTM(3, 5)
    x = torch.randn(6, 2, 3)
    output, (h_n, c_n) = lstm(x)
    cell = nn.LSTMCell(3, 5)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(cell, name).copy_(getattr(lstm, name + "_l0"))
        h = c = torch.zeros(2, 5)
        for t in range(6):
            h, c = cell(x[t], (h, c))
    return {"output": output, "h_n": h_n, "c_n": c_n, "torch": torch}, h


def _forget_gate(lstm):
    """The forget gate at zero input and zero h, read from what the layer computes: c_1 is
    f * c_0 + i * g, so c_1(c_0 = 1) - c_1(c_0 = 0) = f."""
    x = torch.zeros(1, 1, lstm.input_size)
    h0 = torch.zeros(1, 1, lstm.hidden_size)
    with torch.no_grad():
        _, (_, one) = lstm(x, (h0, torch.ones(1, 1, lstm.hidden_size)))
        _, (_, zero) = lstm(x, (h0, torch.zeros(1, 1, lstm.hidden_size)))
    return (one - zero).view(-1)


@spec("03", "q9", observe=lambda ns, _: _forget_gate(ns["_lstm"]))
def _():
    lstm = nn.LSTM(4, 8)
    ns = {"bias_ih_l0": lstm.bias_ih_l0.data, "bias_hh_l0": lstm.bias_hh_l0.data, "_lstm": lstm}
    return ns, torch.sigmoid(torch.tensor(1.0)).expand(8)


# ---------------------------------------------------------------- chapter 04
@spec("04", "q2")
def _():
    _, (h_n, _) = nn.LSTM(8, 16, num_layers=2)(torch.randn(5, 3, 8))
    return {}, tuple(h_n.shape)


@spec("04", "q3")
def _():
    _, (h_n, _) = nn.LSTM(8, 16, batch_first=True)(torch.randn(4, 9, 8))
    return {}, tuple(h_n.shape)


@spec("04", "q4")
def _():
    lstm = nn.LSTM(8, 16, batch_first=True)
    x = torch.randn(4, 9, 8)
    output, (h_n, _) = lstm(x)
    last = torch.stack([run_alone(lstm, x[b])[x.shape[1] - 1] for b in range(4)])
    return {"output": output, "h_n": h_n}, last


@spec("04", "q5")
def _():
    lstm = nn.LSTM(8, 16, batch_first=True)
    lengths = torch.tensor([5, 3, 7, 2])
    sequences = [torch.randn(int(n), 8) for n in lengths]
    packed = pack_padded_sequence(
        pad_sequence(sequences, batch_first=True), lengths, batch_first=True, enforce_sorted=False
    )
    packed_out, (h_n, _) = lstm(packed)
    output, _ = pad_packed_sequence(packed_out, batch_first=True)
    last = torch.stack([run_alone(lstm, s)[len(s) - 1] for s in sequences])
    return {"output": output, "h_n": h_n}, last


@spec("04", "q8")
def _():
    _, (h_n, c_n) = nn.LSTM(8, 16, proj_size=4)(torch.randn(7, 3, 8))
    ns = {"h_n": tag("h_n"), "c_n": tag("c_n"), "both": lambda *shape: (("h_n", tuple(shape)), ("c_n", tuple(shape)))}
    return ns, (("h_n", tuple(h_n.shape)), ("c_n", tuple(c_n.shape)))


def _trained_by_the_optimizer(ns, _):
    """Whether one step of plain gradient descent over module.parameters(), what an optimizer
    built from them does (torch.optim itself is slow to import), changes self.h0."""
    module = ns["self"]
    h0 = getattr(module, "h0", None)
    if not isinstance(h0, torch.Tensor):
        return False
    before = h0.detach().clone()
    loss = (h0 - 1).pow(2).sum()
    if loss.requires_grad:
        loss.backward()
    with torch.no_grad():
        for p in module.parameters():
            if p.grad is not None:
                p -= 0.5 * p.grad
    return not torch.equal(module.h0.detach(), before)


@spec("04", "q10", observe=_trained_by_the_optimizer)
def _():
    return {"self": nn.Module(), "torch": torch, "nn": nn, "num_layers": 2, "hidden_size": 3}, True


# ---------------------------------------------------------------- chapter 05
@spec("05", "q3")
def _():
    packed = pack_sequence([torch.randn(n, 2) for n in (3, 5, 2, 4)], enforce_sorted=False)
    return {}, packed.batch_sizes.tolist()


@spec("05", "q4")
def _():
    packed = pack_sequence([torch.randn(n, 2) for n in (3, 5, 2, 4)], enforce_sorted=False)
    assert packed.sorted_indices.tolist() == [1, 3, 0, 2]
    return {}, packed.unsorted_indices.tolist()


@spec("05", "q5")
def _():
    lstm = nn.LSTM(3, 4, batch_first=True)
    sequences = [torch.randn(n, 3) for n in (4, 6, 2, 5)]
    packed_out, _ = lstm(pack_sequence(sequences, enforce_sorted=False))
    out, lengths = pad_packed_sequence(packed_out, batch_first=True)
    last = torch.stack([run_alone(lstm, s)[len(s) - 1] for s in sequences])
    return {"out": out, "lengths": lengths, "torch": torch}, last


@spec("05", "q6")
def _():
    lengths = torch.tensor([6, 3, 1, 4])
    loss = torch.rand(4, 6)
    mask = (torch.arange(6) < lengths[:, None]).float()
    real = [float(v) for b, n in enumerate(lengths) for v in loss[b, :n]]
    return {"loss": loss, "mask": mask}, torch.tensor(sum(real) / len(real))


# ---------------------------------------------------------------- chapter 06
@spec("06", "q1")
def _():
    output, _ = nn.LSTM(10, 20, num_layers=2, bidirectional=True)(torch.randn(5, 3, 10))
    return {}, tuple(output.shape)


@spec("06", "q3")
def _():
    _, (h_n, _) = nn.LSTM(10, 20, num_layers=3, bidirectional=True)(torch.randn(7, 4, 10))
    return {}, tuple(h_n.shape)


@spec("06", "q4")
def _():
    batch, hidden = 4, 6
    lstm = nn.LSTM(5, hidden, num_layers=3, bidirectional=True)
    output, (h_n, _) = lstm(torch.randn(7, batch, 5))
    # output holds the top layer; its backward direction ends at the first step
    return {"h_n": h_n, "batch": batch, "hidden": hidden}, output[0, :, hidden:]


@spec("06", "q5")
def _():
    H = 4
    lstm = nn.LSTM(3, H, bidirectional=True)
    x = torch.randn(6, 2, 3)
    output, _ = lstm(x)
    backward = nn.LSTM(3, H)  # the backward direction alone, on the reversed input
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(backward, name + "_l0").copy_(getattr(lstm, name + "_l0_reverse"))
        _, (h, _) = backward(x.flip(0))
    return {"output": output, "H": H}, h[0]


@spec("06", "q6")
def _():
    return {}, sum(p.numel() for p in nn.LSTM(10, 20, bidirectional=True).parameters())


@spec("06", "q7")
def _():
    return {}, tuple(nn.LSTM(10, 20, num_layers=2, bidirectional=True).weight_ih_l1.shape)


@spec("06", "q8")
def _():
    _, (h_n, c_n) = nn.LSTM(10, 20, proj_size=5)(torch.randn(6, 3, 10))
    return {"h_n": tag("h_n"), "c_n": tag("c_n")}, (("h_n", tuple(h_n.shape)), ("c_n", tuple(c_n.shape)))


# ---------------------------------------------------------------- chapter 07
@spec("07", "q3", atol=1e-4)
def _():
    H = 6
    lstm = nn.LSTM(10, H)
    f = _forget_gate(lstm).double()
    return {"lstm": lstm, "H": H}, torch.log(f / (1 - f))  # the bias that gives this gate


@spec("07", "q4")
def _():
    f = torch.tensor(0.9, dtype=torch.float64)
    cell = _constant_gates(0.0, float(torch.log(f / (1 - f))), 0.0, 0.0).double()  # f = 0.9
    c0 = torch.ones(1, 1, dtype=torch.float64, requires_grad=True)
    h, c = torch.zeros(1, 1, dtype=torch.float64), c0
    for _ in range(100):
        h, c = cell(torch.zeros(1, 1, dtype=torch.float64), (h, c))
    (grad,) = torch.autograd.grad(c.sum(), c0)
    return {}, float(grad)


@spec("07", "q8")
def _():
    u = (torch.arange(1000, dtype=torch.float64) + 0.5) / 1000  # midpoints of [0, 1]
    return {}, float(((u[:, None] + u[None, :] - 1) ** 2).mean())


# ---------------------------------------------------------------- chapter 08
def _labels(tp, fn, fp, tn):
    y_true = [1] * tp + [1] * fn + [0] * fp + [0] * tn
    y_pred = [1] * tp + [0] * fn + [1] * fp + [0] * tn
    return y_true, y_pred


@spec("08", "q1")
def _():
    return {}, skm.precision_score(*_labels(50, 10, 5, 35))


@spec("08", "q6")
def _():
    y_true, y_pred = _labels(1, 9, 0, 90)
    assert skm.precision_score(y_true, y_pred) == 1.0 and skm.recall_score(y_true, y_pred) == 0.1
    return {}, skm.f1_score(y_true, y_pred)


# ---------------------------------------------------------------- chapter 09
@spec("09", "q9")
def _():
    assert sum(p.numel() for p in nn.LSTM(32, 64).parameters()) == 25088  # as the question says
    return {}, sum(p.numel() for p in nn.GRU(32, 64).parameters())


# ---------------------------------------------------------------- the machinery
def parse_mode(text: str) -> str | None:
    """'eval' if the choice is a Python expression, 'exec' if a statement, else None."""
    for mode in ("eval", "exec"):
        try:
            ast.parse(text, mode=mode)
            return mode
        except SyntaxError:
            pass
    return None


def decimals(text: str) -> int | None:
    """How many decimals a numeric literal is written with (None for an integer)."""
    match = re.fullmatch(r"\s*-?\d+\.(\d+)\s*", text)
    return len(match.group(1)) if match else None


def evaluate(text: str, ns: dict, observe):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # x.T on a 3-D tensor warns; the value is what counts
        try:
            if parse_mode(text) == "eval":
                value = eval(compile(text, "<choice>", "eval"), ns)  # noqa: S307 - the course's own data
            else:
                exec(compile(text, "<choice>", "exec"), ns)  # noqa: S102
                value = None
            return observe(ns, value) if observe else value
        except Exception as err:  # a wrong choice may well raise
            return Raised(f"{type(err).__name__}: {err}")


@dataclass
class Raised:
    error: str


def same(value, truth, text: str, atol: float) -> bool:
    if isinstance(value, Raised):
        return False
    if isinstance(truth, torch.Tensor):
        return (
            type(value) in (torch.Tensor, nn.Parameter)
            and value.shape == truth.shape
            and bool(torch.allclose(value.detach().double(), truth.detach().double(), atol=atol, rtol=1e-5))
        )
    if isinstance(truth, float) and type(value) in (float, int):
        places = decimals(text)
        if places is None:
            return value == truth  # an integer is an exact value
        return round(truth, places) == value
    if type(value) is not type(truth):
        return False
    return value == truth


def parseable(chapter):
    for q in load_quiz(chapter).questions:
        for letter, text in q.choices.items():
            if parse_mode(text):
                yield q, letter, text


def judge(chapter: str, q) -> tuple[list[str], int]:
    """Problems with question q, and how many of its choices were evaluated."""
    s = SPECS[(chapter, q.id)]
    problems, evaluated = [], 0
    for letter, text in q.choices.items():
        if not parse_mode(text) or (chapter, q.id, letter) in EXEMPT:
            continue
        with torch.random.fork_rng():
            torch.manual_seed(0)
            ns, truth = s.setup()
            value = evaluate(text, ns, s.observe)
        evaluated += 1
        right = same(value, truth, text, s.atol)
        shown = value.error if isinstance(value, Raised) else "a different value"
        if letter == q.answer and not right:
            problems.append(
                f"{chapter} {q.id}: the keyed choice {letter}) {text!r} gives {shown}, not the true value {truth!r}"
            )
        if letter != q.answer and right:
            problems.append(
                f"{chapter} {q.id}: the wrong choice {letter}) {text!r} gives the true "
                f"value too, like the keyed {q.answer})"
            )
    return problems, evaluated


QUESTIONS = sorted(SPECS)


@pytest.mark.parametrize("chapter, qid", QUESTIONS, ids=[f"{c}-{q}" for c, q in QUESTIONS])
def test_only_the_keyed_choice_gives_the_true_value(chapter, qid):
    problems, evaluated = judge(chapter, load_quiz(chapter).question(qid))
    assert evaluated > 0, f"{chapter} {qid} has a setup but no choice to evaluate"
    assert not problems, "\n".join(problems)


def test_every_parseable_choice_is_evaluated_or_exempt(capsys):
    chapters = available_chapters()
    unjudged, evaluated, exempted = [], 0, 0
    for chapter in chapters:
        for q, letter, text in parseable(chapter):
            if (chapter, q.id, letter) in EXEMPT:
                exempted += 1
            elif (chapter, q.id) in SPECS:
                evaluated += 1
            else:
                unjudged.append(f"{chapter} {q.id} {letter}) {text!r}")
    assert not unjudged, (
        "these choices parse as Python but have no setup in SPECS and no reason in EXEMPT:\n" + "\n".join(unjudged)
    )
    stale = [
        key
        for key in EXEMPT
        if key[0] not in chapters
        or key[2] not in load_quiz(key[0]).question(key[1]).choices
        or not parse_mode(load_quiz(key[0]).question(key[1]).choices[key[2]])
    ]
    assert not stale, f"exemptions for choices that no longer exist or parse: {stale}"
    missing = [
        key for key in SPECS if key[0] not in chapters or key[1] not in {q.id for q in load_quiz(key[0]).questions}
    ]
    assert not missing, f"setups for questions that do not exist: {missing}"
    with capsys.disabled():
        print(
            f"\nquiz choices that parse as Python: {evaluated + exempted}; evaluated {evaluated}, "
            f"exempted {exempted} (reasons in tests/rnnlab/test_quiz_choices.py EXEMPT)"
        )


def test_same_compares_as_documented():
    assert same(0.91, 50 / 55, "0.91", 0) and same(0.9, 50 / 55, "0.9", 0)  # to its own decimals
    assert not same(0.92, 50 / 55, "0.92", 0) and not same(0.1, 2 / 11, "0.1", 0)
    assert not same(0, 1 / 6, "0", 0)  # an integer is exact
    assert same(86, 86, "86", 0) and not same(85, 86, "85", 0)
    assert same((2, 3), (2, 3), "(2, 3)", 0) and not same([2, 3], (2, 3), "[2, 3]", 0)
    assert not same(Raised("IndexError"), 1, "x[9]", 0)
    assert not same(torch.zeros(2, 3), torch.zeros(3, 2), "z", 1e-6)
    assert parse_mode("h_n (1, 3, 5), c_n (1, 3, 20)") == "eval"
    assert parse_mode("bias_ih_l0[8:16] = 1; bias_hh_l0[8:16] = 0") == "exec"
    assert parse_mode("about 0.001") is None
