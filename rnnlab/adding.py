"""The adding problem: a long-time-lag task that a plain RNN cannot learn and an LSTM can.

Hochreiter and Schmidhuber (1997) used it to show what the LSTM adds; this is the version of
Arjovsky, Shah and Bengio (2016). Each input step has two features: a random number drawn
uniformly from [0, 1], and a marker that is 1 at exactly two steps (one in the first half of
the sequence, one in the second) and 0 elsewhere. The target is the sum of the two marked
numbers. Always answering 1, the mean of that sum, scores an MSE of 1/6, about 0.167 (the
variance of a sum of two independent uniform numbers): that is the baseline to beat.

`train_adding` trains a recurrent layer with a linear read-out of its last hidden state on
fresh random batches, evaluates it on a fixed set of sequences every few steps, and stops once
the evaluation MSE is below a tenth of the baseline. The defaults were measured to let an LSTM
(forget-gate bias 1) and a GRU get there within a few hundred steps at T = 50 on one CPU core.
Chapter 07 races shorter and smaller (16 units, T = 40, learning rate 0.07: `RACE_07`), so the
defaults stay what other callers were measured with. `adding_race` runs that race; the chapter
shows it as measured once, from seed 0 (`load_race`, the record rnnlab/data/adding_race.json
that `python -m rnnlab.adding make-record` writes; the three runs were about a quarter of the
chapter's time), and times a training step of each model live (`race_step_seconds`).
`race_claims` states what the chapter says of the race; the course retrains the record and
checks the claims for other seeds.
"""

from __future__ import annotations

import functools
import math
import statistics
import time
from dataclasses import dataclass, field

import torch
from torch import nn

from .course import training_steps
from .gradients import make_layer, scale_recurrent

BASELINE_MSE = 1 / 6  # always predicting 1: the variance of U(0,1) + U(0,1)
TARGET_MSE = BASELINE_MSE / 10  # "far below the baseline"
# chapter 07's race (its cell passes these; their time is measured): quick on one core, and the
# LSTM (forget bias 1) and GRU still leave the plateau while a plain RNN stays on it
RACE_07 = dict(hidden_size=16, length=40, lr=0.07)
EVAL_SEED = 12345  # every run is evaluated on the same sequences


def _draw(
    batch: int, length: int, generator: torch.Generator | None
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The random part of a batch: values (length, batch) and the two marked steps (batch,)."""
    if length < 2:
        raise ValueError("the sequence needs at least two steps")
    values = torch.rand(length, batch, generator=generator)
    half = length // 2
    first = torch.randint(0, half, (batch,), generator=generator)
    second = torch.randint(half, length, (batch,), generator=generator)
    return values, first, second


def adding_batch(
    batch: int, length: int, generator: torch.Generator | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs (length, batch, 2) and targets (batch,) of the adding problem.

    Feature 0 is uniform on [0, 1]; feature 1 marks one step in the first half
    (0 .. length//2 - 1) and one in the second half (length//2 .. length - 1). The target is
    the sum of the two marked numbers."""
    values, first, second = _draw(batch, length, generator)
    markers = torch.zeros(length, batch)
    columns = torch.arange(batch)
    markers[first, columns] = 1.0
    markers[second, columns] = 1.0
    x = torch.stack([values, markers], dim=-1)
    y = (values * markers).sum(dim=0)
    return x, y


def eval_set(size: int = 512, length: int = 50) -> tuple[torch.Tensor, torch.Tensor]:
    """The fixed evaluation sequences (the same for every model and seed)."""
    return adding_batch(size, length, torch.Generator().manual_seed(EVAL_SEED))


class AddingModel(nn.Module):
    """A recurrent layer ("rnn", "lstm" or "gru") and a linear read-out of its last hidden
    state: (length, batch, 2) -> (batch,)."""

    def __init__(
        self, kind: str = "lstm", hidden_size: int = 32, forget_bias: float | None = None, recurrent_scale: float = 1.0
    ):
        super().__init__()
        self.kind = kind
        self.rnn = make_layer(kind, 2, hidden_size, forget_bias=forget_bias)
        if recurrent_scale != 1.0:
            scale_recurrent(self.rnn, recurrent_scale)
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        output, _ = self.rnn(x)
        return self.head(output[-1]).squeeze(-1)


@dataclass
class AddingRun:
    """What one training run on the adding problem recorded.

    `loss` and `grad_norm` hold every step's training loss and gradient norm (before
    clipping), `step_seconds` how long each step took (evaluations not counted); `eval_steps`
    and `eval_mse` the evaluations. `reached_step` and
    `reached_seconds` say when the evaluation MSE first fell below `target` (None: never)."""

    kind: str
    seed: int
    forget_bias: float | None
    target: float
    loss: list[float] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)
    step_seconds: list[float] = field(default_factory=list)
    eval_steps: list[int] = field(default_factory=list)
    eval_mse: list[float] = field(default_factory=list)
    seconds: float = 0.0
    reached_step: int | None = None
    reached_seconds: float | None = None
    diverged_step: int | None = None
    model: nn.Module | None = None

    @property
    def label(self) -> str:
        name = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}[self.kind]
        if self.forget_bias is not None:
            name += f" (forget bias {self.forget_bias:g})"
        return name

    @property
    def best_mse(self) -> float:
        """The lowest evaluation MSE of the run."""
        finite = [v for v in self.eval_mse if math.isfinite(v)]
        return min(finite) if finite else math.inf

    @property
    def reached(self) -> bool:
        return self.reached_step is not None

    @property
    def steps(self) -> int:
        return len(self.loss)


def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """MSE of `model` on (x, y), in eval mode without gradients."""
    was_training = model.training
    model.eval()
    with torch.no_grad():
        mse = nn.functional.mse_loss(model(x), y).item()
    model.train(was_training)
    return mse


def train_adding(
    kind: str = "lstm",
    seed: int = 0,
    *,
    forget_bias: float | None = None,
    length: int = 50,
    hidden_size: int = 32,
    steps: int = 400,
    batch: int = 64,
    lr: float = 3e-2,
    clip: float | None = 0.1,
    optimizer: str = "adam",
    recurrent_scale: float = 1.0,
    eval_every: int = 25,
    eval_size: int = 512,
    stop_below: float | None = TARGET_MSE,
    progress: bool = True,
) -> AddingRun:
    """Train an AddingModel on fresh random batches and return its AddingRun.

    `seed` fixes the initial weights and the training batches. Every `eval_every` steps the
    model is evaluated on `eval_size` fixed sequences; training stops once that MSE is below
    `stop_below` (None: never stop early), or when the loss stops being finite. `clip` caps
    the gradient norm with clip_grad_norm_ (None: no clipping; the norm is still recorded).
    `optimizer` is "adam" or "sgd" (plain SGD, for the exploding-gradient demonstration)."""
    if optimizer not in ("adam", "sgd"):
        raise ValueError("optimizer must be 'adam' or 'sgd'")
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        model = AddingModel(kind, hidden_size, forget_bias, recurrent_scale)
    x_eval, y_eval = eval_set(eval_size, length)
    gen = torch.Generator().manual_seed(10_000 + seed)
    opt_class = torch.optim.Adam if optimizer == "adam" else torch.optim.SGD
    opt = opt_class(model.parameters(), lr=lr)
    run = AddingRun(kind, seed, forget_bias, stop_below if stop_below is not None else math.nan)
    max_norm = clip if clip is not None else math.inf

    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=steps, desc=f"{run.label} seed {seed}", leave=True)
    model.train()
    start = time.perf_counter()
    last = training_steps(steps)  # all, except in the tests' untrained runs
    for step in range(1, last + 1):
        step_start = time.perf_counter()
        x, y = adding_batch(batch, length, gen)
        loss = nn.functional.mse_loss(model(x), y)
        opt.zero_grad()
        loss.backward()
        norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm)
        run.loss.append(loss.item())
        run.grad_norm.append(norm.item())
        if not (math.isfinite(run.loss[-1]) and math.isfinite(run.grad_norm[-1])):
            run.diverged_step = step
            break
        opt.step()
        run.step_seconds.append(time.perf_counter() - step_start)
        if bar is not None:
            bar.update()
        if step % eval_every == 0 or step == last:
            run.eval_steps.append(step)
            run.eval_mse.append(evaluate(model, x_eval, y_eval))
            if stop_below is not None and run.eval_mse[-1] < stop_below:
                run.reached_step = step
                run.reached_seconds = time.perf_counter() - start
                break
    run.seconds = time.perf_counter() - start
    if bar is not None:  # the bar stays, with what the run reached
        done = (
            f"diverged at step {run.diverged_step}"
            if run.diverged_step
            else f"best MSE {min(run.eval_mse):.3f}"
            if run.eval_mse
            else ""
        )
        bar.set_postfix_str(done + ("; below a tenth of the baseline" if run.reached_step else ""), refresh=True)
        bar.close()
    model.eval()
    run.model = model
    return run


@functools.lru_cache(maxsize=4)
def _targets(size: int, length: int, seed: int) -> torch.Tensor:
    """The targets of adding_batch(size, length, generator seeded with `seed`), without building
    its inputs; kept, so that asking for several constants draws the sequences once."""
    values, first, second = _draw(size, length, torch.Generator().manual_seed(seed))
    columns = torch.arange(size)
    return values[first, columns] + values[second, columns]


def constant_mse(value: float, size: int = 100_000, length: int = 50, seed: int = 0) -> float:
    """MSE of always answering `value`, measured on `size` random sequences."""
    return float(((_targets(size, length, seed) - value) ** 2).mean())


RACE_FILE = "adding_race.json"
RACE_SEED = 0  # the seed of the record chapter 07 shows
RACE_STEPS = 500  # the LSTM's and the GRU's most steps


def adding_race(seed: int = RACE_SEED, progress: bool = True) -> list[AddingRun]:
    """Chapter 07's race, run now (RACE_07): an LSTM with forget bias 1 and a GRU, each until it
    scores below a tenth of the baseline (at most RACE_STEPS steps), then a plain RNN for as many
    steps as the slower of the two took. Returns [rnn, lstm, gru]."""
    lstm = train_adding("lstm", seed, forget_bias=1.0, steps=RACE_STEPS, progress=progress, **RACE_07)
    gru = train_adding("gru", seed, steps=RACE_STEPS, progress=progress, **RACE_07)
    rnn = train_adding("rnn", seed, steps=max(lstm.steps, gru.steps), progress=progress, **RACE_07)
    return [rnn, lstm, gru]


def race_record(runs: list[AddingRun]) -> dict:
    """The record's JSON of a race: what each run learned, not how long it took here."""
    keep = ("kind", "seed", "forget_bias", "target", "loss", "eval_steps", "eval_mse", "reached_step", "diverged_step")
    return {"race": race_setting(runs[0].seed), "runs": [{name: getattr(run, name) for name in keep} for run in runs]}


def race_setting(seed: int = RACE_SEED) -> dict:
    """Everything that decides what a race trains and evaluates (the record keeps it: a test
    compares it with the code's own): train_adding's defaults that the race does not set, too."""
    import inspect

    defaults = {
        name: p.default
        for name, p in inspect.signature(train_adding).parameters.items()
        if name in ("batch", "clip", "optimizer", "recurrent_scale", "eval_every", "eval_size", "stop_below")
    }
    return {
        **RACE_07,
        **defaults,
        "steps": RACE_STEPS,
        "seed": seed,
        "eval_seed": EVAL_SEED,
        "torch": torch.__version__.split("+")[0],
    }


def load_race() -> list[AddingRun]:
    """Chapter 07's race as measured from seed 0 (rnnlab/data/adding_race.json), [rnn, lstm, gru].
    Under RNNLAB_UNTRAINED=1 (the setting that checks the lectures' claims) the race runs instead,
    untrained, so every claim about it must fail."""
    from .shipped import load_record

    record = load_record(
        RACE_FILE, "python -m rnnlab.adding make-record", lambda: race_record(adding_race(progress=False))
    )
    return [AddingRun(**run) for run in record["runs"]]


def spread_seed(seed: int) -> dict[str, dict[str, float]]:
    """Chapter 07's race run from `seed` (one seed of `python -m rnnlab.spread make race`): each
    model's best evaluation MSE, and the training steps the LSTM and the GRU needed to get below
    a tenth of the baseline (RACE_STEPS + 1 when they did not)."""
    rnn, lstm, gru = adding_race(seed, progress=False)
    labels = [run.label for run in (rnn, lstm, gru)]
    return {
        "best evaluation MSE": dict(zip(labels, (run.best_mse for run in (rnn, lstm, gru)))),
        "steps to a tenth of the baseline": {
            run.label: float(run.reached_step or RACE_STEPS + 1) for run in (lstm, gru)
        },
    }


def left_baseline(run: AddingRun) -> int | None:
    """The first evaluated step at which the run scored below 90% of the baseline (None: never)."""
    return next((step for step, mse in zip(run.eval_steps, run.eval_mse) if mse < 0.9 * BASELINE_MSE), None)


def race_claims(runs: list[AddingRun]) -> dict[str, bool]:
    """What chapter 07 says of the race [rnn, lstm, gru], each claim with whether it holds."""
    rnn, lstm, gru = runs
    never = 10**9
    return {
        "the RNN does not get below a tenth of the baseline in its steps": not rnn.reached,
        "the RNN's best evaluation stays above 90% of the baseline": rnn.best_mse > 0.9 * BASELINE_MSE,
        "the LSTM and the GRU get below a tenth of the baseline": lstm.reached and gru.reached,
        "the LSTM is still near the baseline at step 100, the GRU has left it by then": (left_baseline(lstm) or never)
        > 100
        and (left_baseline(gru) or never) <= 100,
        "in steps, the GRU gets there first": (gru.reached_step or never) < (lstm.reached_step or never),
    }


def race_step_seconds(kind: str, steps: int = 20) -> float:
    """The median seconds of one training step of chapter 07's race for `kind` (a batch drawn,
    forward, backward, clipping and Adam), measured here over `steps` steps."""
    run = train_adding(
        kind,
        RACE_SEED,
        forget_bias=1.0 if kind == "lstm" else None,
        steps=steps,
        eval_every=10**9,
        eval_size=1,
        stop_below=None,
        progress=False,
        **RACE_07,
    )
    return statistics.median(run.step_seconds)


def main(argv=None) -> int:
    from .shipped import make_record_command

    return make_record_command(
        argv,
        "python -m rnnlab.adding",
        "chapter 07's record of the adding race",
        lambda: race_record(adding_race()),
        RACE_FILE,
    )


if __name__ == "__main__":
    raise SystemExit(main())
