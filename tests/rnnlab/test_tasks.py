"""The bracket task, the training loop, the setup helper and the problem-set assertions."""

import os
import random
import re
import subprocess
import sys

import pytest
import torch

import rnnlab
from rnnlab import checks
from rnnlab.tasks import (
    MAX_DEPTH,
    bracket_accuracy,
    bracket_batch,
    bracket_depths,
    encode,
    random_bracket_string,
    train_bracket_counter,
)


def test_depths():
    assert bracket_depths("(a(b))") == [1, 1, 2, 2, 1, 0]
    with pytest.raises(ValueError, match=r"closes a bracket that is not open, at character 2 \('\)'\)"):
        bracket_depths("a)")
    with pytest.raises(ValueError, match=r"goes above depth 4, the most the counter knows, at character 5"):
        bracket_depths("(((((a")
    with pytest.raises(ValueError, match="not one of"):
        bracket_depths("(z)")


def test_random_strings_stay_in_range():
    rng = random.Random(0)
    for _ in range(200):
        s = random_bracket_string(50, rng)
        assert max(bracket_depths(s)) <= MAX_DEPTH


def test_batch_shapes_and_reproducibility():
    x, y = bracket_batch(5, 12, seed=3)
    assert x.shape == (12, 5, 4) and y.shape == (12, 5)
    assert torch.equal(x, bracket_batch(5, 12, seed=3)[0])
    assert torch.equal(encode("(").argmax(-1), torch.tensor([0]))


def _bracket_batch_string_by_string(batch, length, seed):
    """bracket_batch as first written: each string drawn, encoded and counted on its own."""
    rng = random.Random(seed)
    texts = []
    for _ in range(batch):
        depth, chars = 0, []
        for _ in range(length):
            options = ["a", "b"] + ["("] * 2 * (depth < MAX_DEPTH) + [")"] * 2 * (depth > 0)
            ch = rng.choice(options)
            depth += (ch == "(") - (ch == ")")
            chars.append(ch)
        texts.append("".join(chars))
    return torch.stack([encode(t) for t in texts], dim=1), torch.tensor([bracket_depths(t) for t in texts]).T


@pytest.mark.parametrize("batch, length, seed", [(32, 30, 0), (1, 200, 517), (7, 1, 3), (3, 64, 12_345)])
def test_batch_is_the_strings_encoded_one_by_one(batch, length, seed):
    """The batch is encoded all at once for speed: the very same strings, one-hot codes and depths."""
    x, y = bracket_batch(batch, length, seed)
    x_ref, y_ref = _bracket_batch_string_by_string(batch, length, seed)
    assert x.dtype == x_ref.dtype and y.dtype == y_ref.dtype
    assert torch.equal(x, x_ref) and torch.equal(y, y_ref)


def test_counter_learns():
    model, losses = train_bracket_counter(steps=150, progress=False)
    assert losses[-1] < losses[0] / 3
    assert bracket_accuracy(model, n=50) > 0.9


def test_setup_sets_threads_and_seed(capsys):
    rnnlab.setup(seed=5)
    assert torch.get_num_threads() == 1
    a = torch.rand(1)
    rnnlab.setup(seed=5, quiet=True)
    assert torch.equal(a, torch.rand(1))
    assert "1 CPU thread" in capsys.readouterr().out


STYLE_PROBE = """
import sys
{before}
import rnnlab
from rnnlab.colours import CYCLE
rnnlab.setup(quiet=True)
print("imported by setup:", "matplotlib" in sys.modules)
{after}
import matplotlib
print("style:", matplotlib.rcParams["figure.dpi"], \
matplotlib.rcParams["axes.prop_cycle"].by_key()["color"] == list(CYCLE))
print("hooks left:", sum(type(f).__name__ == "_StyleWhenImported" for f in sys.meta_path))
print("loader:", type(matplotlib.__spec__.loader).__name__, "exec_module" in vars(matplotlib.__spec__.loader))
"""


@pytest.mark.parametrize(
    "before, after",
    [
        ("", "import matplotlib.pyplot"),
        ("", "rnnlab.setup(quiet=True)"),
        ("import matplotlib", ""),
        ("", "import importlib.util; assert importlib.util.find_spec('matplotlib')"),  # looked up, not imported
        ("", "import importlib, rnnlab.course; importlib.reload(rnnlab.course).setup(quiet=True)"),
    ],
)
def test_setup_styles_plots_without_importing_matplotlib_itself(before, after):
    """setup() leaves matplotlib unimported (0.1 s that each graded kernel spent on no plot), and
    its style is still in force when matplotlib comes: imported alone, as pyplot's parent, after a
    second setup() (from a reloaded module too), before setup(), or after a lookup that imported
    nothing (a check that it is installed; the completer makes one when Tab is pressed)."""
    out = subprocess.run(
        [sys.executable, "-c", STYLE_PROBE.format(before=before, after=after)],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, MPLBACKEND="agg"),
    )
    assert out.returncode == 0, out.stderr
    assert f"imported by setup: {bool(before)}" in out.stdout, out.stdout
    assert "style: 80.0 True" in out.stdout, out.stdout
    assert "hooks left: 0" in out.stdout and "loader: SourceFileLoader False" in out.stdout, out.stdout


def test_a_plot_style_that_cannot_be_set_warns_and_matplotlib_still_imports():
    """Set when matplotlib is imported, the style's failure would be the student's `import
    matplotlib.pyplot` failing (and the next import would run without the style): it is a warning."""
    probe = (
        "import warnings, rnnlab, rnnlab.course as course\n"
        "course._apply_plot_style = lambda matplotlib: 1 / 0\n"
        "rnnlab.setup(quiet=True)\n"
        "with warnings.catch_warnings(record=True) as said:\n"
        "    warnings.simplefilter('always')\n"
        "    import matplotlib.pyplot\n"
        "print([str(w.message) for w in said if 'plot style' in str(w.message)])"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, MPLBACKEND="agg"),
    )
    assert out.returncode == 0, out.stderr
    assert "could not set the course's plot style: ZeroDivisionError" in out.stdout, out.stdout


def test_setup_takes_the_seed_from_rnnlab_seed(monkeypatch, capsys):
    monkeypatch.delenv("RNNLAB_SEED", raising=False)
    assert rnnlab.setup(quiet=True) == 0
    zero = torch.rand(3)
    monkeypatch.setenv("RNNLAB_SEED", "2")
    assert rnnlab.setup() == 2 and rnnlab.setup(seed=7, quiet=True) == 2  # the variable wins
    assert "seed 2" in capsys.readouterr().out
    two = torch.rand(3)
    torch.manual_seed(2)
    assert torch.equal(two, torch.rand(3)) and not torch.equal(two, zero)
    monkeypatch.setenv("RNNLAB_SEED", "two")
    with pytest.raises(ValueError, match="RNNLAB_SEED must be a whole number"):
        rnnlab.setup(quiet=True)
    monkeypatch.setenv("RNNLAB_SEED", "")
    assert rnnlab.setup(seed=5, quiet=True) == 5


class TestChecks:
    def test_close_passes_and_fails_readably(self):
        checks.check_close("h", torch.ones(2, 3), torch.ones(2, 3))
        with pytest.raises(AssertionError, match=r"h is off by up to 0.5 .*index \(1, 2\)"):
            bad = torch.ones(2, 3)
            bad[1, 2] = 1.5
            checks.check_close("h", bad, torch.ones(2, 3))
        with pytest.raises(AssertionError, match=r"shape \(3, 2\) but should have \(2, 3\)"):
            checks.check_close("h", torch.ones(3, 2), torch.ones(2, 3))
        with pytest.raises(AssertionError, match="NaN"):
            checks.check_close("h", torch.full((2, 3), float("nan")), torch.ones(2, 3))

    @pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 4), (1, 1, 5), (4, 1, 3, 2)])
    def test_the_reported_index_is_the_worst_element(self, shape):
        # every position in turn holds the one wrong value; the message must name it
        n = torch.ones(shape).numel()
        for flat in range(n):
            bad = torch.ones(shape)
            bad.view(-1)[flat] = 2.0
            where = tuple(int(k) for k in torch.unravel_index(torch.tensor(flat), shape))
            with pytest.raises(AssertionError, match=re.escape(f"at index {where} ")):
                checks.check_close("h", bad, torch.ones(shape))

    def test_rigged_objects_do_not_pass(self):
        class Always:
            shape = (2, 3)

            def __eq__(self, other):
                return True

        class Sub(torch.Tensor):
            pass

        with pytest.raises(AssertionError, match="should be a torch.Tensor"):
            checks.check_close("h", Always(), torch.ones(2, 3))
        with pytest.raises(AssertionError, match="should be a torch.Tensor"):
            checks.check_close("h", torch.ones(2, 3).as_subclass(Sub), torch.ones(2, 3))
        with pytest.raises(AssertionError, match="should be a int"):
            checks.check_equal("n", Always(), 3)

    def test_graded_quiz_checks(self):
        letters = {"q1": "abc", "q2": "abcd"}
        checks.check_choices({"q1": "c", "q2": "a"}, letters)
        checks.check_choice({"q1": "c", "q2": "a"}, "q1", "c")
        for bad, said in [
            ([], "should be a dict"),
            ({"q1": "c"}, "q2: answer with one of"),
            ({"q1": "d", "q2": "a"}, "q1: answer with one of"),
            ({"q1": "ab", "q2": "a"}, "q1: answer with one of"),
            ({"q1": "a", "q2": "a", "q3": "a"}, "not questions"),
        ]:
            with pytest.raises(AssertionError, match=said):
                checks.check_choices(bad, letters)
        for bad in [{"q1": "b"}, {}, {"q1": ["c"]}, "c"]:
            with pytest.raises(AssertionError, match="is not the right answer") as caught:
                checks.check_choice(bad, "q1", "c")
            given = bad.get("q1") if isinstance(bad, dict) else None
            assert str(caught.value) == f"q1: {given!r} is not the right answer"  # no key given away


def test_fit_records_evaluations_and_clips():
    from torch import nn

    from rnnlab.train import fit

    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    x = torch.randn(64, 3)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5]])
    seen_training = []

    def evaluate(m):
        seen_training.append(m.training)
        return {"val_mse": nn.functional.mse_loss(m(x), y).item()}

    hist = fit(
        model,
        lambda step: (x, y),
        nn.functional.mse_loss,
        steps=120,
        lr=0.05,
        clip=1.0,
        evaluate=evaluate,
        eval_every=50,
        progress=False,
    )
    assert len(hist.loss) == 120 and hist.eval_steps == [50, 100, 120]
    assert not any(seen_training) and not model.training
    assert hist.evals["val_mse"][-1] < hist.evals["val_mse"][0]
    step, best = hist.best("val_mse")
    assert best == min(hist.evals["val_mse"]) and step in hist.eval_steps


def test_fused_adam_steps_like_the_default_adam_and_freezes_like_it():
    from torch import nn

    from rnnlab.course import freeze_optimizers
    from rnnlab.train import fused_adam

    def weights(lstm):
        return torch.cat([p.detach().flatten() for p in lstm.parameters()])

    def trained(make_optimizer):
        torch.manual_seed(0)
        lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
        initial = weights(lstm)
        opt = make_optimizer(lstm.parameters())
        for step in range(5):
            x = torch.randn(6, 2, 3, generator=torch.Generator().manual_seed(step))
            opt.zero_grad()
            lstm(x)[0].pow(2).mean().backward()
            opt.step()
        return opt, initial, weights(lstm)

    opt, initial, fused = trained(lambda params: fused_adam(params, 0.05))
    _, _, default = trained(lambda params: torch.optim.Adam(params, lr=0.05))
    assert isinstance(opt, torch.optim.Adam) and opt.defaults["fused"] and opt.defaults["lr"] == 0.05
    assert torch.allclose(fused, default, atol=1e-6) and (fused - initial).abs().max() > 0.1
    classes, todo = {}, list(torch.optim.Optimizer.__subclasses__())
    while todo:  # every step() that freeze_optimizers replaces
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if "step" in vars(cls):
            classes[cls] = vars(cls)["step"]
    try:
        freeze_optimizers()  # what RNNLAB_UNTRAINED=1 does: no step moves a weight
        _, initial, frozen = trained(lambda params: fused_adam(params, 0.05))
    finally:
        for cls, step in classes.items():
            cls.step = step
    assert torch.equal(frozen, initial)


def test_device_is_cpu_here():
    import rnnlab

    assert rnnlab.device().type in ("cpu", "cuda")
    assert rnnlab.device().type == ("cuda" if torch.cuda.is_available() else "cpu")


def test_series():
    from rnnlab.series import noisy_sine, sunspots

    years, values = sunspots()
    assert years[0] == 1700 and years[-1] == 2008 and len(values) == 309
    assert values.dtype == torch.float32 and float(values.min()) >= 0
    assert abs(float(values[years.tolist().index(1957)]) - 190.2) < 1e-3  # the record solar maximum
    s = noisy_sine(1000, noise=0.0)
    assert s.shape == (1000,) and abs(float(s[157]) - 1.0) < 1e-3  # sin(0.01 * 157) ~ 1
    assert torch.equal(noisy_sine(50, seed=3), noisy_sine(50, seed=3))
    assert not torch.equal(noisy_sine(50, seed=3), noisy_sine(50, seed=4))


def test_setup_check_reports_problems(capsys, monkeypatch):
    import rnnlab.course as course

    rnnlab.setup(quiet=True)
    assert course.report_setup() is True
    assert capsys.readouterr().out.count("OK") == len(course.check_setup())
    monkeypatch.setattr(torch, "get_num_threads", lambda: 2)
    assert course.report_setup() is False
    assert "PROBLEM one CPU thread" in capsys.readouterr().out


def test_switched_off_refuses_calls_inside_the_block_and_restores_them():
    import types

    from rnnlab.checks import switched_off, without_autograd

    box = types.SimpleNamespace(f=lambda: 1, g=lambda: 2)
    with switched_off((box, "f"), (box, "g"), message="do it yourself"):
        with pytest.raises(RuntimeError, match="do it yourself"):
            box.f()
        with pytest.raises(RuntimeError, match="do it yourself"):
            box.g()
    assert box.f() == 1 and box.g() == 2
    with pytest.raises(ValueError):  # restored after an error in the block
        with switched_off((box, "f"), message="no"):
            raise ValueError
    assert box.f() == 1
    x = torch.ones(3, requires_grad=True)
    with without_autograd():
        for attempt in (
            lambda: (x * x).sum().backward(),
            lambda: torch.autograd.grad((x * x).sum(), x),
            lambda: torch.func.grad(lambda t: (t * t).sum())(x.detach()),
        ):
            with pytest.raises(RuntimeError, match="by hand"):
                attempt()
    assert torch.equal(torch.autograd.grad((x * x).sum(), x)[0], 2 * x.detach())


def test_forbid_calls_sees_a_forbidden_function_under_any_name():
    import functools

    from torch import nn

    from rnnlab.checks import forbid_calls

    def inner(x):
        return x + 1

    @functools.wraps(inner)
    def wrapped(x):
        return inner(x)

    alias = inner
    with pytest.raises(AssertionError, match="my_answer calls .*inner: write it yourself"):
        with forbid_calls("my_answer", inner):
            alias(1)  # another name for the same function
    with pytest.raises(AssertionError, match="calls"):
        with forbid_calls("my_answer", wrapped):  # a decorated function: its innermost code
            (lambda: wrapped(2))()
    with forbid_calls("my_answer", nn.utils.clip_grad_norm_):
        p = nn.Parameter(torch.ones(2))
        p.grad = torch.ones(2)
        nn.utils.clip_grad_value_([p], 0.5)  # shares clip_grad_norm_'s decorator: allowed
    with pytest.raises(AssertionError, match="clip_grad_norm_"):
        with forbid_calls("clip", nn.utils.clip_grad_norm_):
            nn.utils.clip_grad_norm_([p], 1.0)
    import sys

    marker = lambda frame, event, arg: None  # noqa: E731
    sys.setprofile(marker)
    try:
        with forbid_calls("x", inner):
            pass
        assert sys.getprofile() is marker  # the profiler that was there is put back
    finally:
        sys.setprofile(None)
    with pytest.raises(TypeError, match="not a Python function"):
        with forbid_calls("x", len):
            pass


def test_check_close_compares_dtypes():
    x = torch.ones(2, dtype=torch.float64)
    checks.check_close("x", x.clone(), x)
    with pytest.raises(AssertionError, match="x has dtype torch.float32 but should have torch.float64"):
        checks.check_close("x", x.float(), x)  # equal values, the wrong precision


def test_inputs_unchanged_names_the_input_that_changed():
    from torch import nn

    x, lengths, layer = torch.randn(3, 2), [3, 1], nn.Linear(2, 2)
    with checks.inputs_unchanged("f", x=x, lengths=lengths, layer=layer):
        (x + 1).sum(), sorted(lengths, reverse=True), layer(x)  # out of place: nothing changes
    cases = {
        "x": lambda: x.mul_(2),
        "lengths": lambda: lengths.sort(),
        "layer": lambda: layer.weight.data.zero_(),
        "pair": lambda: pair[1].add_(1),
    }
    pair = (torch.zeros(2), torch.zeros(2))
    for name, change in cases.items():
        with pytest.raises(AssertionError, match=f"f changed its input {name}:"):
            with checks.inputs_unchanged("f", x=x, lengths=lengths, layer=layer, pair=pair):
                change()
    nan = torch.tensor([float("nan"), 1.0])
    with checks.inputs_unchanged("f", nan=nan):  # NaN in the same places is unchanged
        pass
    with pytest.raises(AssertionError, match="changed its input t"):
        t = torch.zeros(2)
        with checks.inputs_unchanged("f", t=t):
            t.resize_(3)


def test_size_one_cases_sets_each_dimension_to_one_in_turn():
    assert checks.size_one_cases(T=5, batch=3, hidden=4) == [
        {"T": 1, "batch": 3, "hidden": 4},
        {"T": 5, "batch": 1, "hidden": 4},
        {"T": 5, "batch": 3, "hidden": 1},
    ]
    with pytest.raises(ValueError, match="larger than 1"):
        checks.size_one_cases(T=5, batch=1)


def test_both_calls_calls_positionally_and_by_keyword():
    def make(vocab_size, hidden):
        return (vocab_size, hidden)

    def make_other_names(vocab, hidden_size):
        return (vocab, hidden_size)

    assert checks.both_calls(make, 10, 4, names=("vocab_size", "hidden")) == ((10, 4), (10, 4))
    with pytest.raises(
        AssertionError, match=r"make_other_names\(vocab_size, hidden\) should accept its arguments by keyword"
    ):
        checks.both_calls(make_other_names, 10, 4, names=("vocab_size", "hidden"))
    first, second = checks.both_calls(torch.nn.Linear, 3, 2, names=("in_features", "out_features"), seed=5)
    assert torch.equal(first.weight, second.weight)  # seeded alike before each call


def test_check_input_grads_sees_detached_and_wrong_gradients():
    x, w = torch.randn(3, 4, dtype=torch.float64), torch.randn(4, dtype=torch.float64)
    mask = torch.tensor([True, False, True])

    def reference(x, w, mask):
        return ((x * w).sum(1) * mask).sum() / mask.sum()

    def written_differently(x, w, mask):
        return (x[mask] @ w).mean()

    checks.check_input_grads("loss", written_differently, {"x": x, "w": w, "mask": mask}, reference)
    with pytest.raises(AssertionError, match="not connected to its inputs"):
        checks.check_input_grads(
            "loss",
            lambda x, w, mask: torch.tensor(reference(x, w, mask).item()),
            {"x": x, "w": w, "mask": mask},
            reference,
        )
    with pytest.raises(AssertionError, match="gradient of loss with respect to w"):
        checks.check_input_grads(
            "loss", lambda x, w, mask: reference(x, w.detach(), mask), {"x": x, "w": w, "mask": mask}, reference
        )
    with pytest.raises(AssertionError, match="gradient of loss with respect to x"):
        checks.check_input_grads(
            "loss",
            lambda x, w, mask: (x @ w).mean(),  # the padding counts too
            {"x": x, "w": w, "mask": mask},
            reference,
        )


def test_check_input_grads_reads_every_output_of_a_tuple():
    """(h, h_last): a detached second output loses its gradient even when the first is right."""
    x = torch.randn(2, 5, 3, dtype=torch.float64)

    def reference(x):
        h = torch.cumsum(torch.tanh(x), dim=1)
        return h, (h[:, -1], 2 * h[:, 0])

    checks.check_input_grads("layer", reference, {"x": x}, reference)
    with pytest.raises(AssertionError, match="output 1 of layer .* not connected"):
        checks.check_input_grads(
            "layer", lambda x: (reference(x)[0], (reference(x)[1][0].detach(), reference(x)[1][1])), {"x": x}, reference
        )
    with pytest.raises(AssertionError, match="gradient of layer with respect to x"):  # a wrong second output
        checks.check_input_grads(
            "layer", lambda x: (reference(x)[0], (3 * reference(x)[1][0], reference(x)[1][1])), {"x": x}, reference
        )
