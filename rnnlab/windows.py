"""Sliding windows over a time series, and what a split of those windows lets leak.

A window that starts at time k holds the inputs series[k : k + window]; its target is the
value `horizon` steps after the last input, series[k + window + horizon - 1]. Windows that
start one step apart share all but one of their values, so a random split of windows puts
the neighbours of every test window, and its target value, into the training set.
"""

from __future__ import annotations

import torch


def target_times(starts: torch.Tensor, window: int, horizon: int) -> torch.Tensor:
    """The time step of each window's target: start + window + horizon - 1."""
    return torch.as_tensor(starts) + window + horizon - 1


def seen_times(starts: torch.Tensor, window: int, horizon: int) -> torch.Tensor:
    """Sorted time steps a set of windows shows a model: every input and every target."""
    starts = torch.as_tensor(starts)
    inputs = (starts[:, None] + torch.arange(window)).reshape(-1)
    return torch.unique(torch.cat([inputs, target_times(starts, window, horizon)]))


def leaked_share(train_starts, test_starts, window: int, horizon: int) -> float:
    """Share of test windows whose target value a model has already seen in training,
    as an input or as a target of some training window. 0.0 means no leak."""
    test_starts = torch.as_tensor(test_starts)
    if test_starts.numel() == 0:
        raise ValueError("there are no test windows")
    seen = seen_times(train_starts, window, horizon)
    leaked = torch.isin(target_times(test_starts, window, horizon), seen)
    return float(leaked.float().mean())
