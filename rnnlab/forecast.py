"""Forecasting the next value of a series with an LSTM, and the baseline it has to beat.

The series is cut into windows: the inputs are `window` consecutive values, the target is the
value right after them. The naive forecast repeats the last value of each window; a model is
only useful if its error is clearly below that baseline's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn


def make_windows(series: torch.Tensor, window: int, horizons: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs (n, window, 1) and targets (n,) with n = len(series) - window:
    inputs[i] = series[i : i + window] and targets[i] = series[i + window].
    With `horizons` = k, each target is the next k values instead, shape (n, k), and
    n = len(series) - window - k + 1: targets[i] = series[i + window : i + window + k]."""
    series = torch.as_tensor(series, dtype=torch.float32)
    k = 1 if horizons is None else horizons
    if k < 1:
        raise ValueError(f"horizons must be at least 1, not {horizons}")
    if not 0 < window <= len(series) - k:
        raise ValueError(f"window must be between 1 and {len(series) - k}, not {window}")
    n = len(series) - window - k + 1
    inputs = series.unfold(0, window, 1)[:n]  # (n, window)
    targets = series[window:].unfold(0, k, 1)[:n]  # (n, k): the k values after each window
    return inputs.unsqueeze(-1).clone(), (targets[:, 0] if horizons is None else targets).clone()


def chronological_split(series: torch.Tensor, window: int, test_size: int, horizons: int | None = None):
    """(X_train, y_train, X_test, y_test): the last `test_size` windows (the latest targets)
    are the test set, every earlier one is for training, both in time order.

    A test window's inputs may reach back into the training period: when a forecast is made,
    the past is known. What must never happen is a training target from the test period: with
    `horizons` = k > 1, the k - 1 windows before the test set, whose later targets are test
    years, belong to neither set."""
    X, y = make_windows(series, window, horizons)
    gap = 0 if horizons is None else horizons - 1
    if not 0 < test_size < len(y) - gap:
        raise ValueError(f"test_size must be between 1 and {len(y) - gap - 1}, not {test_size}")
    cut = len(y) - test_size
    return X[: cut - gap], y[: cut - gap], X[cut:], y[cut:]


def naive_forecast(inputs: torch.Tensor) -> torch.Tensor:
    """Repeat the last value: inputs (n, window, 1) -> predictions (n,)."""
    return inputs[:, -1, 0].clone()


@dataclass
class SunspotData:
    """The yearly sunspot numbers as standardized windows, split in time.

    `mean` and `std` come from the training years only: using the whole series would let the
    test period leak into the inputs. `unscale` turns standardized values back into sunspots."""

    window: int
    X_train: torch.Tensor
    y_train: torch.Tensor
    X_test: torch.Tensor
    y_test: torch.Tensor
    years_train: np.ndarray
    years_test: np.ndarray
    mean: float
    std: float

    def unscale(self, values: torch.Tensor) -> torch.Tensor:
        return values * self.std + self.mean


def sunspot_data(
    window: int = 12, test_size: int = 60, horizons: int | None = None, years: tuple[int, int] | None = None
) -> SunspotData:
    """Windows of `window` years; the last `test_size` years (1949 to 2008 by default) are the
    test set, the years before them the training set. With `horizons` = k, each target is the
    next k years, shape (n, k), and the test set is the last `test_size` windows; the years
    given are those of each window's first target. `years` = (first, last) keeps only that part
    of the series: a validation split of the training years is `sunspot_data(..., years=(first,
    1948))`, standardised again with the statistics of its own training part."""
    from .series import sunspots

    all_years, values = sunspots()
    if years is not None:
        keep = (all_years >= years[0]) & (all_years <= years[1])
        if not keep.any():
            raise ValueError(
                f"no sunspot year between {years[0]} and {years[1]} (the series has {all_years[0]} to {all_years[-1]})"
            )
        all_years, values = all_years[keep], values[torch.as_tensor(keep)]
    k = 1 if horizons is None else horizons
    n_train_values = len(values) - test_size - k + 1  # values before the first test target
    mean = float(values[:n_train_values].mean())
    std = float(values[:n_train_values].std())
    X_train, y_train, X_test, y_test = chronological_split((values - mean) / std, window, test_size, horizons)
    first_target = all_years[window:]  # the year of each window's first target
    return SunspotData(
        window,
        X_train,
        y_train,
        X_test,
        y_test,
        first_target[: len(y_train)],
        first_target[n_train_values - window : n_train_values - window + test_size],
        mean,
        std,
    )


class Forecaster(nn.Module):
    """nn.LSTM -> nn.Linear on the last hidden state: inputs (batch, window, 1) -> (batch,)."""

    def __init__(self, hidden_size: int = 32, num_layers: int = 1):
        super().__init__()
        self.lstm = nn.LSTM(1, hidden_size, num_layers=num_layers, batch_first=True)
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, (h_n, _) = self.lstm(x)
        return self.head(h_n[-1]).squeeze(-1)


def train_forecaster(
    model: nn.Module,
    X: torch.Tensor,
    y: torch.Tensor,
    steps: int = 200,
    lr: float = 1e-2,
    progress: bool = True,
    evaluate=None,
    eval_every: int = 25,
):
    """Full-batch Adam on the mean squared error; returns rnnlab.train.History."""
    from .train import fit

    return fit(
        model,
        lambda step: (X, y),
        nn.functional.mse_loss,
        steps,
        lr=lr,
        evaluate=evaluate,
        eval_every=eval_every,
        progress=progress,
        desc="forecaster",
    )


@torch.no_grad()
def predict(model: nn.Module, X: torch.Tensor) -> torch.Tensor:
    was_training = model.training
    model.eval()
    out = model(X)
    model.train(was_training)
    return out


# ---- chapter 08's leakage demonstration: the same test years, two ways of picking training windows

LEAKAGE = {"window": 12, "test_size": 60, "test_years": 30, "steps": 120, "early": 30, "split_seed": 0}


def leakage_split(data: SunspotData, n_test: int = 30, seed: int = 0):
    """(X_all, y_all, test_idx, random_idx, chrono_idx): all windows, `n_test` test windows drawn
    from the test period, and two training sets of the same size: the windows before the test
    period (chronological), and as many drawn at random from every window that is not a test
    window, before, between and after the test years (the leak)."""
    X_all = torch.cat([data.X_train, data.X_test])
    y_all = torch.cat([data.y_train, data.y_test])
    n_past = len(data.y_train)
    g = torch.Generator().manual_seed(seed)
    test_idx = (n_past + torch.randperm(len(data.y_test), generator=g)[:n_test]).sort().values
    taken = set(test_idx.tolist())
    others = torch.tensor([i for i in range(len(y_all)) if i not in taken])
    random_idx = others[torch.randperm(len(others), generator=g)[:n_past]].sort().values
    return X_all, y_all, test_idx, random_idx, torch.arange(n_past)


def targets_among_inputs(test_idx: torch.Tensor, train_idx: torch.Tensor, window: int) -> int:
    """How many test windows' targets are an input value of some training window: window i reads
    the series at i .. i + window - 1, so target t (the series at t + window) is an input of
    windows t + 1 .. t + window."""
    train = set(train_idx.tolist())
    return sum(any(i in train for i in range(t + 1, t + window + 1)) for t in test_idx.tolist())


def leakage_seed(seed: int) -> dict[str, dict[str, float]]:
    """Chapter 08's two forecasters trained from `seed`: their test MSE in sunspots squared and,
    beside it, the MSE on the windows each trained on. Training is full batch, so
    `LEAKAGE["steps"]` steps are as many passes over those windows; the test and training MSE
    after the first `LEAKAGE["early"]` passes of the same run are recorded too, so that the record
    shows which way each moved while the same windows were read again (one seed of
    `python -m rnnlab.spread make leakage`)."""
    s = LEAKAGE
    data = sunspot_data(window=s["window"], test_size=s["test_size"])
    X_all, y_all, test_idx, random_idx, chrono_idx = leakage_split(data, s["test_years"], s["split_seed"])

    def error(model, where):
        return float(((data.unscale(predict(model, X_all[where])) - data.unscale(y_all[where])) ** 2).mean())

    early, early_fitted, errors, fitted = {}, {}, {}, {}
    for name, idx in (("chronological", chrono_idx), ("random split", random_idx)):
        torch.manual_seed(seed)
        model = Forecaster()
        history = train_forecaster(
            model,
            X_all[idx],
            y_all[idx],
            steps=s["steps"],
            progress=False,
            evaluate=lambda m, idx=idx: {"test": error(m, test_idx), "training": error(m, idx)},
            eval_every=s["early"],
        )
        at = history.eval_steps.index(s["early"])
        early[name], early_fitted[name] = history.evals["test"][at], history.evals["training"][at]
        errors[name], fitted[name] = error(model, test_idx), error(model, idx)
    return {
        f"test MSE after {s['early']} passes": early,
        f"training MSE after {s['early']} passes": early_fitted,
        f"test MSE after {s['steps']} passes": errors,
        f"training MSE after {s['steps']} passes": fitted,
    }
