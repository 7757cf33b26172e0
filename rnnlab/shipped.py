"""Weights shipped with the course (rnnlab/data/*.pt), for claims about one trained model's discrete
behaviour (which another CPU's training could change), and records of experiments (rnnlab/data/*.json)
that a lecture shows instead of running them; each made by its module's `make-weights` or `make-record`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import torch
from torch import nn

DATA = Path(__file__).resolve().parent / "data"


def load_shipped(model: nn.Module, name: str, command: str) -> nn.Module:
    """Load rnnlab/data/`name` into `model` (built from the shipped seed) and return it in eval mode; under
    RNNLAB_UNTRAINED=1 (which checks the lectures' claims) the model stays as initialised."""
    if os.environ.get("RNNLAB_UNTRAINED") != "1":
        path = DATA / name
        if not path.exists():
            raise FileNotFoundError(f"{path} is missing: run {command}")
        state = torch.load(path, weights_only=True)
        mine = model.state_dict()
        wrong = [k for k in mine if k in state and state[k].shape != mine[k].shape]
        if wrong:
            raise ValueError(
                f"{name} holds {wrong[0]} of shape {tuple(state[wrong[0]].shape)}, the model "
                f"has {tuple(mine[wrong[0]].shape)}: build the model as the shipped one was built"
            )
        model.load_state_dict(state)
    return model.eval()


def make_weights_command(argv, prog: str, what: str, make, name: str) -> int:
    """`python -m <prog> make-weights`: train with `make()` on one CPU thread, save as rnnlab/data/`name`."""
    import argparse

    parser = argparse.ArgumentParser(prog=prog, description=f"Make {what} from fixed seeds.")
    parser.add_argument("command", choices=["make-weights"])
    parser.parse_args(argv)
    torch.set_num_threads(1)
    torch.save(make().state_dict(), DATA / name)
    print(f"wrote {DATA / name}")
    return 0


def load_record(name: str, command: str, run_untrained):
    """The JSON record rnnlab/data/`name`, or under RNNLAB_UNTRAINED=1 `run_untrained()`."""
    if os.environ.get("RNNLAB_UNTRAINED") == "1":
        return run_untrained()
    path = DATA / name
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run {command}")
    return json.loads(path.read_text())


def make_record_command(argv, prog: str, what: str, make, name: str) -> int:
    """`python -m <prog> make-record`: write the JSON `make()` returns (one CPU thread) as rnnlab/data/`name`."""
    import argparse

    parser = argparse.ArgumentParser(prog=prog, description=f"Make {what}.")
    parser.add_argument("command", choices=["make-record"])
    parser.parse_args(argv)
    torch.set_num_threads(1)
    (DATA / name).write_text(json.dumps(make(), indent=1) + "\n")
    print(f"wrote {DATA / name}")
    return 0
