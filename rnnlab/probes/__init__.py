"""The probes of each problem set's exercises, for `rnnlab.diagnose`: small fixed calls of a
student's function, in float64, built afresh for every call (an answer that changes its inputs
must not change the next probe's). Each module has PROBES: exercise -> list of probes; a probe
takes the notebook's names and returns what `rnnlab.diagnose.call` records.

This file's helpers are shared by the modules of every problem set (`psNN_topic.py`)."""

import numpy
import torch


class Inputs:
    """Float64 inputs that every CPU draws alike. torch.randn fills a tensor of 16 values or more
    with vectorised code whose results depend on the CPU's instruction set (a probe's input then
    differs at 1e-8 between an AVX-512 machine and an older laptop); numpy's generator does not."""

    def __init__(self, seed: int):
        self.rng = numpy.random.default_rng(seed)

    def randn(self, *shape, scale: float = 1.0, exact32: bool = False) -> torch.Tensor:
        """Normal values; with `exact32`, on rnnlab.diagnose.GRID, so that an answer that copies them
        into float32 keeps them exactly on every CPU and is still compared by its values."""
        values = torch.from_numpy(scale * self.rng.standard_normal(shape))
        if exact32:
            from rnnlab.diagnose import GRID

            values = torch.round(values / GRID) * GRID
        return values

    def model(self, model: torch.nn.Module, scale: float = 0.5) -> torch.nn.Module:
        """`model` in float64, its embeddings, LSTMs and linear layers drawn first (in that order),
        then any other parameter: the same numbers whatever order an answer made its layers in."""
        model = model.double()
        done = set()
        with torch.no_grad():
            for kind in (torch.nn.Embedding, torch.nn.LSTM, torch.nn.Linear):
                for m in model.modules():
                    if type(m) is kind:
                        for p in m.parameters(recurse=False):
                            p.copy_(self.randn(*p.shape, scale=scale))
                            done.add(id(p))
            for p in model.parameters():
                if id(p) not in done:
                    p.copy_(self.randn(*p.shape, scale=scale))
        return model

    def module(self, module: torch.nn.Module, scale: float = 0.5) -> torch.nn.Module:
        """`module` in float64 with every parameter drawn here."""
        module = module.double()
        with torch.no_grad():
            for p in module.parameters():
                p.copy_(self.randn(*p.shape, scale=scale))
        return module
