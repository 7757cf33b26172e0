"""Windows, splits in time, the naive baseline and the sunspot forecaster."""

import pytest
import torch

from rnnlab.forecast import (
    Forecaster,
    chronological_split,
    make_windows,
    naive_forecast,
    predict,
    sunspot_data,
    train_forecaster,
)
from rnnlab.metrics import mse
from rnnlab.series import sunspots


def test_windows_are_exact():
    X, y = make_windows(torch.arange(6.0), 3)
    assert X.shape == (3, 3, 1) and y.tolist() == [3.0, 4.0, 5.0]
    assert X[:, :, 0].tolist() == [[0, 1, 2], [1, 2, 3], [2, 3, 4]]
    with pytest.raises(ValueError):
        make_windows(torch.arange(3.0), 3)


def test_chronological_split_keeps_time_order():
    s = torch.arange(20.0)
    X_tr, y_tr, X_te, y_te = chronological_split(s, 4, 5)
    assert y_te.tolist() == [15, 16, 17, 18, 19] and y_tr.tolist() == list(range(4, 15))
    assert X_te[0, :, 0].tolist() == [11, 12, 13, 14]  # inputs may reach back into training years
    assert X_tr.shape == (11, 4, 1) and X_te.shape == (5, 4, 1)
    with pytest.raises(ValueError):
        chronological_split(s, 4, 16)


def test_naive_forecast_repeats_the_last_value():
    X, _ = make_windows(torch.tensor([1.0, 5.0, 2.0, 7.0]), 2)
    assert naive_forecast(X).tolist() == [5.0, 2.0]


def test_sunspot_data_uses_training_years_for_scaling():
    years, values = sunspots()
    d = sunspot_data(window=12, test_size=60)
    assert len(d.y_test) == 60 and len(d.y_train) == len(values) - 12 - 60
    assert d.years_test[0] == 1949 and d.years_test[-1] == 2008 and d.years_train[0] == 1712
    assert d.mean == pytest.approx(float(values[:-60].mean()))
    assert d.std == pytest.approx(float(values[:-60].std()))
    assert torch.allclose(d.unscale(d.y_test), values[-60:], atol=1e-3)
    assert torch.allclose(d.unscale(d.X_test[0, :, 0]), values[-72:-60], atol=1e-3)


def test_forecaster_beats_the_naive_baseline():
    d = sunspot_data()
    torch.manual_seed(0)
    model = Forecaster()
    assert model(d.X_test).shape == (60,)
    history = train_forecaster(model, d.X_train, d.y_train, steps=200, progress=False)
    assert history.loss[-1] < history.loss[0]
    model_mse = mse(predict(model, d.X_test), d.y_test)
    naive_mse = mse(naive_forecast(d.X_test), d.y_test)
    assert model_mse < 0.6 * naive_mse


def test_windows_with_several_horizons():
    X, y = make_windows(torch.arange(8.0), 3, horizons=2)
    assert X[:, :, 0].tolist() == [[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5]]
    assert y.tolist() == [[3, 4], [4, 5], [5, 6], [6, 7]]
    assert make_windows(torch.arange(8.0), 3, horizons=1)[1].shape == (5, 1)
    with pytest.raises(ValueError):
        make_windows(torch.arange(4.0), 3, horizons=2)
    with pytest.raises(ValueError):
        make_windows(torch.arange(8.0), 3, horizons=0)


def test_split_with_horizons_keeps_test_years_out_of_training_targets():
    X_tr, y_tr, X_te, y_te = chronological_split(torch.arange(12.0), 3, 2, horizons=2)
    assert y_te.tolist() == [[9, 10], [10, 11]]
    assert y_tr.max() < y_te.min()  # no training target is a test year
    assert y_tr.tolist()[-1] == [7, 8] and len(X_tr) == len(y_tr) == 5


def test_sunspot_data_with_horizons():
    one, three = sunspot_data(), sunspot_data(horizons=3)
    assert three.y_test.shape == (60, 3) and three.X_test.shape == (60, 12, 1)
    assert three.y_train.shape == (len(three.X_train), 3)
    # the first test target year follows the last training target year (its third year)
    assert three.years_test[0] == three.years_train[-1] + 3
    assert len(three.years_train) == len(three.y_train) and len(three.years_test) == 60
    years, values = sunspots()
    k = list(years).index(three.years_test[0])
    assert torch.allclose(
        three.unscale(three.y_test[0]), torch.as_tensor(values[k : k + 3], dtype=torch.float32), atol=1e-3
    )
    assert one.years_test[0] == 1949 and one.y_test.shape == (60,)
