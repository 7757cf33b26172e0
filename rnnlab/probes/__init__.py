"""The probes of each problem set's exercises, for `rnnlab.diagnose`: each module (`psNN_topic.py`) has
PROBES, exercise -> probes; a probe takes the notebook's names and returns `rnnlab.diagnose.call`'s
record of fresh float64 inputs. `Inputs` is shared by every set's probes."""

import numpy
import torch


class Inputs:
    """Float64 inputs that every CPU draws alike (numpy's generator; torch.randn's depend on the CPU)."""

    def __init__(self, seed: int):
        self.rng = numpy.random.default_rng(seed)

    def randn(self, *shape, scale: float = 1.0, exact32: bool = False) -> torch.Tensor:
        """Normal values; with `exact32`, on rnnlab.diagnose.GRID (exact in float32)."""
        values = torch.from_numpy(scale * self.rng.standard_normal(shape))
        if exact32:
            from rnnlab.diagnose import GRID

            values = torch.round(values / GRID) * GRID
        return values

    def model(self, model: torch.nn.Module, scale: float = 0.5) -> torch.nn.Module:
        """`model` in float64, its embeddings', LSTMs' and linear layers' parameters drawn first (in that
        order), then any other: the same numbers whatever order an answer made its layers in."""
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
