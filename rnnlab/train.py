"""A small training loop with a progress bar, shared by the chapters."""
from __future__ import annotations

from typing import Callable

import torch
from torch import nn


def train(model: nn.Module, make_batch: Callable[[int], tuple], loss_fn: Callable, steps: int,
          lr: float = 1e-2, clip: float | None = None, progress: bool = True,
          desc: str = "training") -> list[float]:
    """Train `model` with Adam for `steps` steps and return the loss of every step.

    `make_batch(step)` returns `(inputs, targets)`; the loss is `loss_fn(model(inputs), targets)`.
    `clip` caps the gradient norm (torch.nn.utils.clip_grad_norm_) before each update.
    """
    from tqdm.auto import tqdm

    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    losses = []
    bar = tqdm(range(steps), desc=desc, disable=not progress, leave=False)
    for step in bar:
        inputs, targets = make_batch(step)
        loss = loss_fn(model(inputs), targets)
        opt.zero_grad()
        loss.backward()
        if clip is not None:
            nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        losses.append(loss.item())
        if step % 20 == 0:
            bar.set_postfix(loss=f"{loss.item():.3f}")
    model.eval()
    return losses
