"""Time series the course uses: one synthetic, one real, both without any download."""

from __future__ import annotations

import csv
from importlib import resources

import numpy as np
import torch


def noisy_sine(n: int = 2000, period: float = 2 * np.pi / 0.01, noise: float = 0.1, seed: int = 0) -> torch.Tensor:
    """sin(2*pi*t/period) plus Gaussian noise, t = 0..n-1, as a float32 tensor of shape (n,).

    The default period is 2*pi/0.01, about 628 steps: the series sin(0.01 t)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    values = np.sin(2 * np.pi * t / period) + noise * rng.standard_normal(n)
    return torch.tensor(values, dtype=torch.float32)


def sunspots() -> tuple[np.ndarray, torch.Tensor]:
    """Yearly sunspot numbers, 1700 to 2008: (years as int array, values as float32 tensor).

    Source: National Geophysical Data Center (NOAA), public domain; see rnnlab/data/README.md."""
    path = resources.files("rnnlab") / "data" / "sunspots_yearly.csv"
    with path.open() as f:
        rows = list(csv.DictReader(f))
    years = np.array([int(r["year"]) for r in rows])
    values = torch.tensor([float(r["sunspots"]) for r in rows], dtype=torch.float32)
    return years, values
