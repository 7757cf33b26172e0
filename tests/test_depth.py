"""The depth experiment of chapter 06: data, model, runs and what they record."""
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from rnnlab.depth import (Forecaster, depth_experiment, depth_run, depth_table, plot_depth,
                          sunspot_windows)
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
    assert a.history.evals == b.history.evals             # dropout after the last layer: none
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
    assert len(axes[1].lines) == 5                      # 2 dropouts x (train, val) + baseline
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
