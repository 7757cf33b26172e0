"""One setup call at the top of every notebook: seeds, one CPU thread, plot style."""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import random
import sys
import threading
import warnings
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import torch

SEED_VARIABLE = "RNNLAB_SEED"


def course_seed(default: int = 0) -> int:
    """The training seed: `default`, unless the environment variable RNNLAB_SEED names another (the
    lectures are also checked under RNNLAB_SEED=1 and =2)."""
    value = os.environ.get(SEED_VARIABLE, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{SEED_VARIABLE} must be a whole number, not {value!r}") from None


def setup(seed: int = 0, threads: int = 1, quiet: bool = False, short_errors: bool = True) -> int:
    """Make a notebook deterministic and fast on a laptop CPU; returns the seed it used (`course_seed`).

    Seeds Python, NumPy and PyTorch; uses `threads` CPU threads; flushes denormals to zero; prints
    tensors with 4 decimals and sets the course's plot style (once matplotlib is imported); in IPython
    shows errors in one line (`%xmode Minimal`; `%xmode Context` brings tracebacks back); and records a
    lecture's chapter as studied for the review (`rnnlab.review.remember_lecture`).

    With RNNLAB_UNTRAINED=1 (set only to check that the lectures' claims fail for untrained models)
    every optimiser's step() does nothing and the course's training functions stop after a few steps.
    """
    import torch

    seed = course_seed(seed)
    os.environ.setdefault("OMP_NUM_THREADS", str(threads))
    torch.set_num_threads(threads)
    torch.set_flush_denormal(True)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_printoptions(precision=4, sci_mode=False)
    np.set_printoptions(precision=4, suppress=True)
    _plot_style()
    if short_errors:
        _short_errors()
    if os.environ.get("RNNLAB_UNTRAINED") == "1":
        freeze_optimizers()
    from .review import remember_lecture

    remember_lecture()
    if not quiet:
        print(
            f"rnnlab ready: torch {torch.__version__.split('+')[0]}, seed {seed}, "
            f"{torch.get_num_threads()} CPU thread{'s' if threads != 1 else ''}"
        )
    return seed


def _short_errors() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None or not hasattr(shell, "InteractiveTB"):
        return False
    shell.InteractiveTB.set_mode(mode="Minimal")
    return True


UNTRAINED_STEPS = 5


def training_steps(steps: int) -> int:
    """How many steps a course training function runs: all of them, or a few when untrained."""
    return min(steps, UNTRAINED_STEPS) if os.environ.get("RNNLAB_UNTRAINED") == "1" else steps


def freeze_optimizers() -> list[str]:
    """Make step() of every torch.optim optimiser class a no-op; returns the classes changed."""
    import torch

    def no_step(self, closure=None):
        return None

    changed, todo = [], list(torch.optim.Optimizer.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if "step" in vars(cls):
            cls.step = no_step
            changed.append(cls.__name__)
    return sorted(changed)


def check_setup(min_memory_gb: float = 0.8) -> list[tuple[str, bool, str]]:
    """What the course needs, checked: (what, ok, advice when not ok). Run after setup()."""
    import platform

    import ipywidgets
    import psutil
    import torch

    from .colab import on_colab

    available = psutil.virtual_memory().available / 1024**3
    versions = [
        (
            "torch 2.13.0",
            torch.__version__.split("+")[0] == "2.13.0",
            f"found torch {torch.__version__}; run make lab, which installs the pinned version",
        ),
        (
            "the CPU build of torch (no CUDA download)",
            torch.version.cuda is None or torch.cuda.is_available(),
            "a CUDA build without a GPU wastes gigabytes; reinstall with make distclean lab",
        ),
        (
            "ipywidgets 8",
            ipywidgets.__version__.split(".")[0] == "8",
            f"found ipywidgets {ipywidgets.__version__}; run make lab",
        ),
    ]
    if on_colab():  # its own torch and ipywidgets 7, which the lectures run with: nothing to fix
        versions = [(f"torch {torch.__version__} and ipywidgets {ipywidgets.__version__}, Colab's own", True, "")]
    return [
        (
            "Python 3.11 or newer",
            sys.version_info >= (3, 11),
            f"this is Python {platform.python_version()}; install a newer one",
        ),
        *versions,
        (
            "one CPU thread (fast for small models)",
            torch.get_num_threads() == 1,
            "run from rnnlab import setup; setup() first",
        ),
        (
            f"at least {min_memory_gb:g} GB of free memory",
            available >= min_memory_gb,
            f"only {available:.1f} GB free; close other programs (Binder gives 1 to 2 GB)",
        ),
    ]


def report_setup() -> bool:
    """Print the setup check, one line each; True when everything is fine."""
    rows = check_setup()
    for what, ok, advice in rows:
        print(f"{'OK     ' if ok else 'PROBLEM'} {what}" + ("" if ok else f": {advice}"))
    return all(ok for _, ok, _ in rows)


def device() -> torch.device:
    """The GPU when one is there, else the CPU: move the model and each batch to it."""
    import torch

    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def _plot_style() -> None:
    """The course's plot style: set now if matplotlib is imported, else the moment it is (a notebook that
    draws nothing, as a graded problem set, need not import matplotlib)."""
    if "matplotlib" in sys.modules:
        _apply_plot_style(sys.modules["matplotlib"])
    elif not any(getattr(finder, "rnnlab_plot_style", False) for finder in sys.meta_path):
        sys.meta_path.insert(0, _StyleWhenImported())  # one, even after rnnlab.course is reloaded


class _StyleWhenImported(importlib.abc.MetaPathFinder):
    """Finds no module itself: a lookup of matplotlib gets the other finders' spec with its loader wrapped,
    so that when the module runs the course's style is set and this finder leaves sys.meta_path."""

    rnnlab_plot_style = True

    def __init__(self):
        self._looking = threading.local()  # the other finders' lookup, made from here

    def find_spec(self, name, path=None, target=None):
        if name != "matplotlib" or getattr(self._looking, "now", False):
            return None
        self._looking.now = True
        try:
            spec = importlib.util.find_spec(name)
        finally:
            self._looking.now = False
        if spec is not None and spec.loader is not None:
            loader, run = spec.loader, spec.loader.exec_module

            def exec_module(module):
                vars(loader).pop("exec_module", None)  # the loader is matplotlib's own again
                run(module)
                try:
                    sys.meta_path.remove(self)
                except ValueError:  # another thread's import took it out
                    pass
                try:
                    _apply_plot_style(module)
                except Exception as err:  # a plot style is no reason to fail an import
                    warnings.warn(f"rnnlab could not set the course's plot style: {err!r}")

            loader.exec_module = exec_module
        return spec


def _apply_plot_style(matplotlib) -> None:
    from .colours import CYCLE, MAPS

    matplotlib.rcParams.update(
        {
            "figure.figsize": (7.0, 3.2),
            "figure.dpi": 80,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "font.size": 10,
            "image.cmap": MAPS["unit interval"],
            "axes.prop_cycle": matplotlib.cycler(color=CYCLE),
        }
    )
