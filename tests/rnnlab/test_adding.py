"""The adding problem: data, baseline, model and the training run."""

import math

import pytest
import torch

from rnnlab.adding import (
    BASELINE_MSE,
    TARGET_MSE,
    AddingModel,
    adding_batch,
    constant_mse,
    eval_set,
    evaluate,
    train_adding,
)
from rnnlab.gradients import forget_biases


def test_batch_layout_markers_and_targets():
    x, y = adding_batch(200, 10, torch.Generator().manual_seed(0))
    assert x.shape == (10, 200, 2) and y.shape == (200,)
    values, markers = x[..., 0], x[..., 1]
    assert values.min() >= 0 and values.max() <= 1
    assert torch.equal(markers.sum(0), torch.full((200,), 2.0))
    assert torch.equal(markers[:5].sum(0), torch.ones(200))  # one in each half
    assert torch.equal(markers[5:].sum(0), torch.ones(200))
    torch.testing.assert_close(y, (values * markers).sum(0))
    # every position of each half is used
    assert set(markers[:5].argmax(0).tolist()) == set(range(5))
    assert set((markers[5:].argmax(0) + 5).tolist()) == set(range(5, 10))


def test_batch_is_reproducible_and_checked():
    a = adding_batch(4, 8, torch.Generator().manual_seed(3))
    b = adding_batch(4, 8, torch.Generator().manual_seed(3))
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    assert torch.equal(eval_set(16, 8)[0], eval_set(16, 8)[0])
    with pytest.raises(ValueError):
        adding_batch(4, 1)


def test_baseline_is_one_sixth():
    assert BASELINE_MSE == pytest.approx(0.1667, abs=1e-4) and TARGET_MSE == BASELINE_MSE / 10
    assert constant_mse(1.0) == pytest.approx(1 / 6, abs=0.003)
    assert constant_mse(0.0) == pytest.approx(7 / 6, abs=0.01)  # E[S^2] = Var + mean^2
    assert constant_mse(1.0) < constant_mse(0.9) and constant_mse(1.0) < constant_mse(1.1)


def test_constant_mse_scores_the_targets_adding_batch_draws():
    _, y = adding_batch(3000, 20, torch.Generator().manual_seed(7))
    for value in (0.0, 1.0, 1.3):
        assert constant_mse(value, size=3000, length=20, seed=7) == float(((y - value) ** 2).mean())


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_model_shapes(kind):
    model = AddingModel(kind, hidden_size=5)
    assert model(torch.rand(7, 3, 2)).shape == (3,)
    assert 0 <= evaluate(model, *adding_batch(8, 7)) < math.inf


def test_model_options():
    model = AddingModel("lstm", hidden_size=4, forget_bias=1.0)
    assert torch.equal(forget_biases(model.rnn)["_l0"], torch.ones(4))
    torch.manual_seed(0)
    a = AddingModel("rnn", 4)
    torch.manual_seed(0)
    b = AddingModel("rnn", 4, recurrent_scale=3.0)
    assert torch.allclose(b.rnn.weight_hh_l0, 3 * a.rnn.weight_hh_l0)
    assert torch.equal(b.rnn.weight_ih_l0, a.rnn.weight_ih_l0)


def test_run_records_and_is_deterministic():
    a = train_adding("lstm", 5, steps=30, eval_every=10, eval_size=32, stop_below=None)
    b = train_adding("lstm", 5, steps=30, eval_every=10, eval_size=32, stop_below=None)
    assert a.eval_mse == b.eval_mse and a.loss == b.loss
    assert a.steps == 30 and len(a.grad_norm) == 30 and a.eval_steps == [10, 20, 30]
    assert not a.reached and a.reached_seconds is None and a.seconds > 0
    assert a.label == "LSTM" and a.best_mse == min(a.eval_mse)
    c = train_adding("lstm", 6, steps=30, eval_every=10, eval_size=32, stop_below=None)
    assert c.loss != a.loss
    assert not a.model.training


def test_norms_are_recorded_before_clipping():
    run = train_adding("rnn", 0, steps=20, clip=1e-3, eval_every=10, eval_size=16, stop_below=None)
    assert max(run.grad_norm) > 1e-2


def test_gru_beats_a_tenth_of_the_baseline_and_stops():
    run = train_adding("gru", 0)
    assert run.reached and run.best_mse < TARGET_MSE
    assert run.steps == run.reached_step < 400 and run.eval_steps[-1] == run.reached_step
    assert run.reached_seconds <= run.seconds


def test_plain_rnn_stays_near_the_baseline():
    run = train_adding("rnn", 0, steps=150)
    assert not run.reached and run.steps == 150
    assert run.best_mse > 0.8 * BASELINE_MSE


def test_sgd_explodes_without_clipping_and_not_with_it():
    # lecture 07's run (80 steps: 60 did not overflow under every seed); 16 doubled units do not explode
    config = dict(
        optimizer="sgd",
        lr=0.1,
        recurrent_scale=2.0,
        steps=80,
        stop_below=None,
        eval_every=20,
        eval_size=64,
        hidden_size=32,
    )
    wild = train_adding("rnn", 0, clip=None, **config)
    tame = train_adding("rnn", 0, clip=1.0, **config)
    assert wild.diverged_step is not None and wild.steps == wild.diverged_step
    assert not math.isfinite(wild.loss[-1]) or not math.isfinite(wild.grad_norm[-1])
    assert tame.diverged_step is None and tame.steps == 80
    assert all(math.isfinite(v) for v in tame.loss)
    with pytest.raises(ValueError, match="optimizer"):
        train_adding("rnn", optimizer="rmsprop")


# -- chapter 07's record of the race, and the claims the chapter makes of it ------------------
from rnnlab.adding import (  # noqa: E402
    RACE_SEED,
    adding_race,
    load_race,
    race_claims,
    race_setting,  # noqa: E402
    race_step_seconds,
)

# Training amplifies the last bits of arithmetic: on the other-cpu emulation, seed 0's first 10
# training losses moved by 9e-8 and its LSTM's and GRU's first evaluations (step 25) by 5e-8 at
# most, but later evaluations by up to 0.24 (the LSTM's at step 125) and the RNN's first by 0.04.
# So the record is compared with a fresh run over its first steps; another seed differs there by
# 0.28 or more.
FIRST_STEPS, LOSS_TOLERANCE, FIRST_EVAL_TOLERANCE = 10, 1e-5, 1e-3
GATED = (
    "the LSTM and the GRU get below a tenth of the baseline",
    "the LSTM is still near the baseline at step 100, the GRU has left it by then",
    "in steps, the GRU gets there first",
)


@pytest.fixture(scope="module")
def races():
    torch.set_num_threads(1)
    return {seed: adding_race(seed, progress=False) for seed in range(5)}


def _first_losses_differ(a, b) -> float:
    return max(
        abs(x - y)
        for ra, rb in zip(a, b, strict=True)
        for x, y in zip(ra.loss[:FIRST_STEPS], rb.loss[:FIRST_STEPS], strict=True)
    )


@pytest.mark.sweep
def test_the_race_record_is_what_its_seed_trains(races):
    import json

    from rnnlab.shipped import DATA

    assert json.loads((DATA / "adding_race.json").read_text())["race"] == race_setting()
    record, fresh = load_race(), races[RACE_SEED]
    assert [(r.kind, r.seed, r.forget_bias) for r in record] == [("rnn", 0, None), ("lstm", 0, 1.0), ("gru", 0, None)]
    assert _first_losses_differ(record, fresh) < LOSS_TOLERANCE
    for shown, now in zip(record[1:], fresh[1:]):  # the evaluations shown: the gated models' first
        assert (
            shown.eval_steps[0] == now.eval_steps[0] and abs(shown.eval_mse[0] - now.eval_mse[0]) < FIRST_EVAL_TOLERANCE
        )
    for seed in range(1, 5):  # the comparison can fail: every other seed does
        assert _first_losses_differ(record, races[seed]) > 1000 * LOSS_TOLERANCE, seed


@pytest.mark.sweep
def test_the_chapter_s_race_claims_hold_for_the_record_and_seeds_0_to_4(races):
    """Chapter 07 says so. Measured natively and on the other-cpu emulation: seeds 0 to 7 bear out
    every claim; the LSTM left the baseline after 125 to 225 steps, the GRU after 25 to 75."""
    assert all(race_claims(load_race()).values())
    for seed, runs in races.items():
        claims = race_claims(runs)
        assert all(claims.values()), (seed, [c for c, ok in claims.items() if not ok])


def test_the_race_claims_about_the_gated_models_fail_untrained(monkeypatch):
    monkeypatch.setenv("RNNLAB_UNTRAINED", "1")
    untrained = load_race()  # runs the race, a few steps per run
    assert all(run.steps < 10 for run in untrained)
    claims = race_claims(untrained)
    assert [claims[c] for c in GATED] == [False, False, False], claims


def test_step_seconds_leave_evaluations_out(monkeypatch):
    import time

    import rnnlab.adding as adding

    def slow_evaluate(*args):
        time.sleep(0.05)
        return 1.0

    monkeypatch.setattr(adding, "evaluate", slow_evaluate)
    run = train_adding(
        "gru", 0, hidden_size=4, length=5, steps=4, eval_every=1, eval_size=8, stop_below=None, progress=False
    )
    assert len(run.step_seconds) == 4 and max(run.step_seconds) < 0.05 < run.seconds / 4


def test_race_step_seconds_is_the_median_of_20_steps(monkeypatch):
    import rnnlab.adding as adding

    asked = {}

    def fake(kind, seed, **config):
        asked.update(config, kind=kind)
        return adding.AddingRun(kind, seed, None, 0.0, step_seconds=[0.5, 0.1, 0.2, 9.0, 0.3])

    monkeypatch.setattr(adding, "train_adding", fake)
    assert race_step_seconds("gru") == 0.3
    assert asked["steps"] == 20 and asked["kind"] == "gru" and asked["eval_every"] > 20
