"""Claims about PyTorch that this course once got wrong stay right.

Each entry names a wording that reviews found wrong, the pattern that finds it in a sentence of
anything a student or an instructor reads (lectures, problem sets, quizzes and flashcards,
docstrings and comments of the package, the docs), and the test that demonstrates the truth on
this torch. A new chapter that writes the old wording again fails here with the reason.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
import torch

REPO = Path(__file__).resolve().parents[2]

# (name, pattern in one sentence, unless this pattern is in the same sentence, why it is wrong,
#  the test that shows the truth)
WRONG = [
    (
        "fused kernel hides the gates",
        r"(?:one|the|a) fused kernel",
        r"not because|nothing to do|with or without|oneDNN|cuDNN|GPU|faster|speed",
        "hooks see a module's inputs and outputs only; the gates are hidden because nn.LSTM is one "
        "module call, and output.grad is only the direct part because output is downstream of the "
        "recurrence (a torch.stack loop gives the same zeros), not because a kernel is fused",
        "tests/rnnlab/test_gradients.py::TestHiddenGradNorms::test_the_output_gradient_is_only_the_direct_part",
    ),
    (
        "a sigmoid never reaches 0 or 1",
        r"sigmoid[^.]{0,60}never (?:reaches|gets to|equals)|never (?:reaches|equals) (?:exactly )?[01]\b",
        None,
        "in float32, sigmoid(17) is exactly 1.0 and sigmoid(-104) exactly 0.0",
        "tests/notebooks/test_wordings.py::test_a_float32_sigmoid_reaches_exactly_0_and_1",
    ),
    (
        "retain_graph=True as the cure for a chunked loop",
        r"retain_graph\s*=\s*True[^.]{0,200}(?:chunk|truncat|next (?:batch|step|call))"
        r"|(?:chunk|truncat)[^.]{0,200}retain_graph\s*=\s*True"
        r"|retain_graph[^.]{0,80}(?:grow|without end)",
        r"in[- ]?place|modified|only when|no step|without a step|unless|(?:once|after)[^.]{0,40}step"
        r"|between (?:the )?chunks",
        "with optimizer.step() between chunks, backward(retain_graph=True) raises at the second chunk "
        "('modified by an inplace operation'); detach the carried state instead",
        "tests/notebooks/test_wordings.py::test_retain_graph_after_a_step_raises_at_the_second_chunk",
    ),
    (
        "a fused optimizer's gradients as those of the old weights",
        r"fused[^.]{0,200}\b(?:stale|old|outdated|previous) weights"
        r"|gradients? (?:computed )?(?:from|with|at|of) (?:the )?(?:stale|old|outdated|previous) weights",
        r"neither|\bnor\b",
        "after a fused step (which autograd's version counter does not see) a backward pass through "
        "the old graph reads the saved weights at their new values and the saved activations from "
        "the forward pass before the step: its gradients belong to neither the old weights nor the new",
        "tests/notebooks/test_wordings.py::test_a_backward_through_the_old_graph_after_a_fused_step_matches_neither_weights",
    ),
    (
        "weights_only as a guarantee",
        r"weights_only[^.]{0,100}\b(?:safe|secure|sandbox|cannot run|can't run|guarantee)",
        r"\bnot\b|\bno\b|\bnever\b|restrict|allowlist|CVE",
        "torch.load(weights_only=True) restricts unpickling to allowlisted types; it is no sandbox "
        "(CVE-2025-32434 ran code through it in torch <= 2.5.1)",
        "tests/autograder/grading/test_grading_units.py::test_student_payloads_are_not_unpickled_with_a_torch_that_lets_them_run_code",
    ),
    (
        "bidirectional as a second layer or a second LSTM",
        r"bidirectional[^.]{0,80}\b(?:adds|is|runs|means)\b[^.]{0,20}"
        r"\b(?:second|another|extra) (?:layer|LSTM|RNN|network)",
        None,
        "bidirectional=True adds a second direction to every layer: each layer's backward "
        "direction reads the sequence reversed, and the next layer reads both directions' outputs",
        "tests/notebooks/test_wordings.py::test_bidirectional_adds_a_direction_to_every_layer",
    ),
    (
        "temperature 0.5 halves the logits",
        r"(?:(?<![\w])(?-i:T)\s*=\s*|temperature (?:of )?)0\.5[^.]{0,60}halv",
        None,
        "sampling divides the logits by T: T = 0.5 doubles them",
        None,
    ),
    (
        "finished beams compared by their mean log-probability",
        r"\bmean log-?prob",
        r"\bnot\b|length penalty|instead of the total|rather than",
        "the course's beam search (rnnlab.seq2seq.beam_search, lecture 10, the widget) ranks by the "
        "total log-probability; a length penalty is ps10's variation",
        None,
    ),
    (
        "greedy output as a function of the recent text",
        r"function of the (?:recent|last|previous) (?:text|characters)",
        None,
        "an LSTM's next character depends on its whole carried state, not on a window of text",
        None,
    ),
    (
        "compounding errors as a fact of free running",
        r"(?:errors|mistakes) (?:compound|accumulate|snowball)|compounding (?:errors|mistakes)"
        r"|(?:free[- ]running|own (?:output|guesses))[^.]{0,120}\bderails?\b",
        r"worry|whether|conclude|claim|myth|\bnot\b|cannot|no mistakes",
        "free-running accuracy against held-out text falls even for a perfect model, because text "
        "branches; lecture 09's fair test (the same true text after the model's own lines, after the "
        "true lines and after random characters, at line starts) found little exposure bias for its "
        "model: say what is measured, not that errors compound",
        "tests/rnnlab/test_language_model.py::test_a_perfect_model_loses_free_running_accuracy",
    ),
    (
        "no fair test of exposure bias inside a function",
        r"inside a function[^.]{0,80}\bcannot\b|no other true answer",
        None,
        "code_corpus draws each statement independently of the one before it, given its indentation "
        "and the lines its block has left, so after a statement the model wrote the true next line is "
        "still a right continuation: lecture 09 scores it there, beside a random-text control",
        "tests/rnnlab/test_language_model.py::test_the_grammar_draws_the_line_after_a_statement_whatever_the_statement",
    ),
    (
        "equal scores at function starts as evidence against exposure bias",
        r"(?:a|the next|each) function as well after its own",
        None,
        "at a function start lecture 09's model scores the function as well after random characters "
        "too: the test cannot see a difference there, so equal scores say nothing about exposure bias",
        None,
    ),
    (
        "an optimizer as the reason to change parameters in place rather than through .data",
        r"in[- ]place[^.]{0,200}optimi[sz]er (?:built|made|created) (?:before|earlier)[^.]{0,60}still (?:update|train)"
        r"|\.data\b[^.]{0,160}optimi[sz]er[^.]{0,80}(?:stale|never|no longer|old (?:one|tensor|parameter))",
        r"\bobjects?\b|memory|view|new (?:nn\.)?Parameter",
        "a new tensor assigned to p.data keeps the Parameter object: an optimizer built before still "
        "updates it, and nn.LSTM's forward pass on CPU uses the new values; what keeps the old numbers "
        "is memory taken before, a view of the parameter or the tensors of state_dict()",
        "tests/notebooks/test_wordings.py::test_a_new_data_tensor_keeps_the_optimizer_and_leaves_old_views_behind",
    ),
]


def _sentences(text: str):
    # a table row is a sentence of its own, though it ends without a full stop
    text = re.sub(r"^(\s*\|.*)$", r"\n\1\n", text, flags=re.M)
    for block in re.split(r"\n\s*\n", text):
        yield from (s for s in re.split(r"(?<=[.!?])\s+", " ".join(block.split())) if s)


def _texts():
    """(where, text) of everything the course's readers read."""
    for path in sorted((REPO / "notebooks").glob("*.ipynb")) + sorted((REPO / "source").glob("ps*/*.ipynb")):
        nb = nbformat.read(path, 4)
        for i, cell in enumerate(nb.cells):
            yield f"{path.relative_to(REPO)} cell {i}", cell.source
    for path in sorted((REPO / "rnnlab" / "data").glob("quiz_*.json")):
        yield str(path.relative_to(REPO)), " \n\n".join(_strings(json.loads(path.read_text())))
    code = sorted((REPO / "rnnlab").rglob("*.py")) + sorted(
        p for p in (REPO / "autograder").rglob("*.py") if "grader_attacks" not in p.parts
    )
    for path in code:
        yield str(path.relative_to(REPO)), path.read_text()
    for path in sorted((REPO / "docs").glob("*.md")) + [REPO / "README.md"]:
        yield str(path.relative_to(REPO)), path.read_text()


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def find_wrong(texts) -> list[str]:
    found = []
    for where, text in texts:
        for sentence in _sentences(text):
            for name, pattern, unless, why, _ in WRONG:
                if re.search(pattern, sentence, re.I) and not (unless and re.search(unless, sentence, re.I)):
                    found.append(f"{where}: {name}: {sentence[:160]!r} ({why})")
    return found


def test_no_known_wrong_wording_comes_back():
    found = find_wrong(_texts())
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    "name, sentence",
    [
        ("fused kernel hides the gates", "nn.LSTM runs one fused kernel, so the gates never appear."),
        ("a sigmoid never reaches 0 or 1", "A sigmoid never reaches 1, so some memory survives."),
        (
            "retain_graph=True as the cure for a chunked loop",
            "Pass retain_graph=True to backward and the next chunk can use the graph.",
        ),
        ("weights_only as a guarantee", "torch.load(weights_only=True) is safe for any file."),
        (
            "bidirectional as a second layer or a second LSTM",
            "bidirectional=True adds a second layer that reads the sequence backwards.",
        ),
        ("temperature 0.5 halves the logits", "At T = 0.5 the sampler halves the logits."),
        (
            "finished beams compared by their mean log-probability",
            "Finished outputs are compared by their mean log-probability.",
        ),
        ("greedy output as a function of the recent text", "Greedy output is a function of the recent text."),
        (
            "a fused optimizer's gradients as those of the old weights",
            "A fused optimizer (fused=True) runs on silently with gradients computed from stale weights.",
        ),
        (
            "retain_graph=True as the cure for a chunked loop",
            "It raises a RuntimeError (or, with retain_graph, grows without end).",
        ),
        ("fused kernel hides the gates", "(the layer runs one fused kernel; no hook sees the gates)"),
        (
            "compounding errors as a fact of free running",
            "After one mistake the model reads text unlike anything it was trained on, and errors compound.",
        ),
        (
            "compounding errors as a fact of free running",
            "In free running the model reads its own output, and the text derails after a few dozen characters.",
        ),
        (
            "an optimizer as the reason to change parameters in place rather than through .data",
            "Change the values in place: every parameter stays the same tensor (an optimizer built before "
            "the call must still update it), with its dtype.",
        ),
        (
            "an optimizer as the reason to change parameters in place rather than through .data",
            "Every bias gets a new tensor through .data instead of being changed in place (an optimizer "
            "built before keeps stale state).",
        ),
    ],
)
def test_each_pattern_finds_the_old_wording(name, sentence):
    """The guard can fail: each wording that once stood in the course is found."""
    assert any(f": {name}: " in line for line in find_wrong([("old", sentence)])), name


def test_every_demonstration_named_exists():
    for name, _, _, _, demo in WRONG:
        if demo:
            path, *rest = demo.split("::")
            text = (REPO / path).read_text()
            assert f"def {rest[-1]}(" in text, f"{name}: {demo} is not there"


# ---------------------------------------------------------------- the truths, demonstrated
def test_a_float32_sigmoid_reaches_exactly_0_and_1():
    assert torch.sigmoid(torch.tensor(17.0)).item() == 1.0
    assert torch.sigmoid(torch.tensor(-104.0)).item() == 0.0


@pytest.mark.parametrize("optimizer", [torch.optim.SGD, torch.optim.Adam])
def test_retain_graph_after_a_step_raises_at_the_second_chunk(optimizer):
    torch.manual_seed(0)
    lstm, head = torch.nn.LSTM(3, 4, batch_first=True), torch.nn.Linear(4, 1)
    opt = optimizer(list(lstm.parameters()) + list(head.parameters()), lr=0.1)
    state, x = None, torch.randn(2, 12, 3)
    with pytest.raises(RuntimeError, match="inplace operation"):
        for chunk in x.split(4, dim=1):
            out, state = lstm(chunk, state)
            loss = head(out).pow(2).mean()
            opt.zero_grad()
            loss.backward(retain_graph=True)
            opt.step()


def test_a_fused_optimizer_lets_retain_graph_run_on_silently():
    """Why the course says "with the default SGD or Adam": a fused step changes the weights
    without bumping autograd's version counter, so nothing raises and the gradients are wrong."""
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(3, 4, batch_first=True)
    opt = torch.optim.Adam(lstm.parameters(), lr=0.1, fused=True)
    state, x = None, torch.randn(2, 12, 3)
    for chunk in x.split(4, dim=1):
        out, state = lstm(chunk, state)
        opt.zero_grad()
        out.pow(2).mean().backward(retain_graph=True)
        before, version = lstm.weight_hh_l0.detach().clone(), lstm.weight_hh_l0._version
        opt.step()
        # the weights changed, and autograd was not told: no error, wrong gradients next time
        assert not torch.equal(lstm.weight_hh_l0.detach(), before) and lstm.weight_hh_l0._version == version


def test_a_backward_through_the_old_graph_after_a_fused_step_matches_neither_weights():
    """What the fused loop of lecture 09's pitfall computes: the graph kept by retain_graph=True
    saved the weights by reference and the activations by value, so after a fused step its second
    backward mixes the new weights with the old forward pass. The gradient it gives is neither the
    one at the weights before the step nor the one at the weights after it."""
    torch.manual_seed(0)
    lstm, x = torch.nn.LSTM(3, 4, batch_first=True), torch.randn(2, 5, 3)

    def gradient_at(weights):
        fresh = torch.nn.LSTM(3, 4, batch_first=True)
        fresh.load_state_dict(weights)
        fresh(x)[0].pow(2).mean().backward()
        return fresh.weight_hh_l0.grad

    old = {k: v.clone() for k, v in lstm.state_dict().items()}
    opt = torch.optim.Adam(lstm.parameters(), lr=0.1, fused=True)
    loss = lstm(x)[0].pow(2).mean()
    loss.backward(retain_graph=True)
    assert torch.allclose(lstm.weight_hh_l0.grad, gradient_at(old), atol=1e-7)  # the first one is right
    opt.step()
    new = {k: v.clone() for k, v in lstm.state_dict().items()}
    opt.zero_grad()
    loss.backward()  # no error: the fused step moved no version counter
    again = lstm.weight_hh_l0.grad
    for weights in (old, new):
        assert (again - gradient_at(weights)).abs().max() > 1e-5


def test_bidirectional_adds_a_direction_to_every_layer():
    lstm = torch.nn.LSTM(3, 5, num_layers=2, bidirectional=True)
    names = {n for n, _ in lstm.named_parameters()}
    assert {"weight_ih_l0_reverse", "weight_ih_l1_reverse"} <= names
    assert lstm.weight_ih_l1.shape[1] == 2 * 5  # layer 1 reads both directions of layer 0
    _, (h_n, _) = lstm(torch.randn(7, 2, 3))
    assert h_n.shape[0] == 2 * 2  # (layers x directions, batch, hidden)


def test_a_new_data_tensor_keeps_the_optimizer_and_leaves_old_views_behind():
    """ps07 exercise 3 asks for in-place changes because of memory, not because of the optimizer:
    `p.data = new` keeps the Parameter object (an optimizer built before still updates it, and
    nn.LSTM's forward pass uses the new values), while a view and a state_dict() tensor taken
    before keep the old numbers. Changed in place, all of them see the new values."""

    def lstm_with_forget_bias(in_place):
        torch.manual_seed(0)
        lstm = torch.nn.LSTM(3, 4)
        bias = lstm.bias_ih_l0
        opt = torch.optim.SGD(lstm.parameters(), lr=0.1)
        view, saved = bias[4:8], lstm.state_dict()["bias_ih_l0"]
        with torch.no_grad():
            if in_place:
                bias[4:8] = 5.0
            else:
                new = bias.detach().clone()
                new[4:8] = 5.0
                bias.data = new
        assert lstm.bias_ih_l0 is bias
        shared = bool((view == 5.0).all()) and bool((saved[4:8] == 5.0).all())
        return lstm, bias, opt, shared

    x = torch.randn(5, 2, 3)
    reference, *_ = lstm_with_forget_bias(in_place=True)
    for in_place in (True, False):
        lstm, bias, opt, shared = lstm_with_forget_bias(in_place)
        assert shared == in_place  # memory taken before sees in-place changes only
        out = lstm(x)[0]
        assert torch.equal(out, reference(x)[0])  # the forward pass reads the new bias either way
        out.sum().backward()
        before = bias.detach().clone()
        opt.step()
        assert not torch.equal(bias.detach(), before)  # the optimizer built before still updates it
