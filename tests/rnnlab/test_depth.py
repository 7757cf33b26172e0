"""The depth experiment of chapter 06: data, model, runs and what they record."""

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from rnnlab.depth import Forecaster, depth_experiment, depth_run, depth_table, plot_depth, sunspot_windows
from rnnlab.series import sunspots


def test_windows_split_by_year_and_are_standardised_on_training_years():
    years, values = sunspots()
    d = sunspot_windows(window=8, split_year=1930)
    assert d.x_train.shape == (1930 - 1708, 8, 1) and d.y_train.shape == (222,)
    assert d.x_val.shape == (2008 - 1930 + 1, 8, 1)
    train = values[years < 1930]
    z = (values - train.mean()) / train.std()
    assert torch.allclose(d.x_train[0, :, 0], z[:8]) and d.y_train[0] == z[8]
    assert d.y_val[0] == z[years.tolist().index(1930)]
    assert torch.allclose(d.x_val[-1, :, 0], z[-9:-1]) and d.y_val[-1] == z[-1]
    assert d.naive_val == pytest.approx(float(((z[-80:-1] - z[-79:]) ** 2).mean()), rel=1e-5)


def test_forecaster_shapes_and_layers():
    model = Forecaster(hidden_size=5, num_layers=3, dropout=0.2)
    assert model.lstm.num_layers == 3 and model.lstm.dropout == 0.2
    assert model(torch.randn(7, 8, 1)).shape == (7,)


def test_one_layer_with_dropout_is_silent_and_changes_nothing(recwarn):
    d = sunspot_windows()
    a = depth_run(d, 1, 0.0, steps=12, eval_every=6)
    b = depth_run(d, 1, 0.5, steps=12, eval_every=6)
    assert a.history.evals == b.history.evals  # dropout after the last layer: none
    assert not [w for w in recwarn if "dropout" in str(w.message)]


def test_a_run_records_train_and_validation_losses():
    d = sunspot_windows()
    run = depth_run(d, 2, 0.3, steps=30, eval_every=10)
    assert run.history.eval_steps == [10, 20, 30]
    assert len(run.history.loss) == 30
    assert run.history.evals["train"][-1] < run.history.evals["train"][0]
    assert run.parameters == sum(p.numel() for p in Forecaster(16, 2).parameters())
    assert run.seconds > 0
    step, best = run.best_val
    assert best == min(run.history.evals["val"]) and step in (10, 20, 30)
    assert run.steps_to(10.0) == 10 and run.steps_to(-1.0) is None


def test_experiment_table_and_plot():
    runs = depth_experiment(layers=(1, 2), dropouts=(0.0, 0.3), steps=12, eval_every=6)
    assert list(runs) == [(1, 0.0), (1, 0.3), (2, 0.0), (2, 0.3)]
    table = depth_table(runs).splitlines()
    assert len(table) == 5 and "best val" in table[0]
    assert table[3].split()[:3] == ["2", "0.0", str(runs[(2, 0.0)].parameters)]
    fig = Figure()
    axes = fig.subplots(1, 2)
    plot_depth(axes, runs, naive=0.9)
    assert len(axes[1].lines) == 5  # 2 dropouts x (train, val) + baseline
    np.testing.assert_allclose(axes[1].lines[1].get_ydata(), runs[(2, 0.0)].history.evals["val"])
    assert axes[0].get_title() == "1 layer" and axes[1].get_title() == "2 layers"


def test_signal_at_init_fades_with_depth():
    from rnnlab.depth import signal_at_init

    d = sunspot_windows()
    one, four = signal_at_init(d, 1), signal_at_init(d, 4)
    assert set(one) == {"spread", "grad_first", "grad_top"}
    assert one["spread"] > 10 * four["spread"] > 0
    assert one["grad_first"] > 10 * four["grad_first"] > 0
    assert four["grad_top"] > four["grad_first"]


# -- chapter 06's record of the experiment, and the claims the chapter makes of it -------------
from rnnlab.depth import SHIPPED, depth_claims, load_depth_runs, shipped_windows  # noqa: E402

# the record's evaluations against a fresh run from its seed: another CPU's kernels moved them by
# 0.0003 at most (the other-cpu emulation), another seed by 0.32 (seed 1) to 1.5 (seed 3)
RECORD_TOLERANCE = 0.05
# seeds 1 and 2 must bear out every claim the lecture makes of seed 0, as the lecture's seed runs did;
# seeds 3 to 5 the two that carry its conclusion (seed 3's two layers end 13% above their best
# against the 10% asked). The lecture itself states the spread over 16 seeds from
# rnnlab/data/spread_depth.json, which the last test below finds in these runs.
SENTENCE = (
    "one layer ends with the best validation loss, or within 15% of it",
    "four layers end worse than one, with and without dropout",
)


@pytest.fixture(scope="module")
def seeded_runs():
    torch.set_num_threads(1)
    data = shipped_windows()
    return data, {
        seed: depth_experiment(data, layers=SHIPPED["layers"], dropouts=SHIPPED["dropouts"], seed=seed, progress=False)
        for seed in range(6)
    }


def _distance(a, b) -> float:
    assert list(a) == list(b)
    return max(
        abs(x - y)
        for key in a
        for name in ("train", "val")
        for x, y in zip(a[key].history.evals[name], b[key].history.evals[name], strict=True)
    )


@pytest.mark.sweep
def test_the_record_is_what_its_seed_measures_and_no_other_seed(seeded_runs):
    data, runs = seeded_runs
    record = load_depth_runs()
    assert {k: (r.parameters, r.history.eval_steps, len(r.history.loss)) for k, r in record.items()} == {
        k: (r.parameters, r.history.eval_steps, len(r.history.loss)) for k, r in runs[SHIPPED["seed"]].items()
    }
    assert _distance(record, runs[SHIPPED["seed"]]) < RECORD_TOLERANCE
    for seed in range(1, 6):  # the comparison can fail: every other seed does
        assert _distance(record, runs[seed]) > 4 * RECORD_TOLERANCE, seed


@pytest.mark.sweep
def test_the_chapter_s_claims_hold_for_the_record_and_for_other_seeds(seeded_runs):
    data, runs = seeded_runs
    assert all(depth_claims(load_depth_runs(), data.naive_val).values())
    for seed in (0, 1, 2):
        claims = depth_claims(runs[seed], data.naive_val)
        assert all(claims.values()), (seed, [c for c, ok in claims.items() if not ok])
    for seed in (3, 4, 5):
        claims = depth_claims(runs[seed], data.naive_val)
        assert all(claims[c] for c in SENTENCE), (seed, claims)


def test_the_claims_fail_for_untrained_runs(monkeypatch):
    monkeypatch.setenv("RNNLAB_UNTRAINED", "1")
    untrained = load_depth_runs()  # runs the experiment, a few steps per run
    assert all(len(run.history.loss) < 10 for run in untrained.values())
    claims = depth_claims(untrained, shipped_windows().naive_val)
    assert not all(claims.values()), claims


def test_step_seconds_grow_with_depth():
    from rnnlab.depth import step_seconds

    data = shipped_windows()
    # the fastest of three interleaved measurements of each: another process's burst of work (a
    # fresh-clone make test beside other jobs measured one layer at 5.7 ms and four at 4.1 ms once)
    # slows a measurement down, never speeds it up
    ones, fours = [], []
    for _ in range(3):
        ones.append(step_seconds(data, 1, steps=5))
        fours.append(step_seconds(data, 4, steps=5))
    assert 0 < min(ones) < min(fours), (ones, fours)


@pytest.mark.sweep
def test_the_spread_record_is_what_its_seeds_measure(seeded_runs):
    """rnnlab/data/spread_depth.json (chapter 06's table over 16 seeds) against seeds 0 to 5 run
    now: each arm's best and final validation MSE and final training MSE, as close as the record
    of seed 0 is."""
    from rnnlab.depth import arm_name
    from rnnlab.spread import load_spread

    _, runs = seeded_runs
    record = load_spread("depth")
    lowest, end = record["lowest validation MSE of the run"], record["validation MSE at the end"]
    fitted = record["training MSE at the end"]
    for seed in range(6):
        for key, run in runs[seed].items():
            best = lowest.values[arm_name(*key)][lowest.seeds.index(seed)]
            final = end.values[arm_name(*key)][end.seeds.index(seed)]
            train = fitted.values[arm_name(*key)][fitted.seeds.index(seed)]
            assert (
                abs(best - run.best_val[1]) < RECORD_TOLERANCE
                and abs(final - run.history.evals["val"][-1]) < RECORD_TOLERANCE
                and abs(train - run.history.evals["train"][-1]) < RECORD_TOLERANCE
            ), (seed, key, best, final, train)
