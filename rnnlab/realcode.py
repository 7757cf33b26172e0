"""Real code to train a character model on, read from the torch package the course installs.

Nothing is downloaded and the course ships no text it did not write: torch==2.13.0's own Python
files are on every machine that runs the course, and identical wherever that version is
installed. `corpus()` reads a fixed, listed selection of them: the files of torch/nn/modules for
training and those of torch/optim, other files by other hands, held out. It checks the size and
the SHA-256 of each part, so a model trained on one machine meets the same text on another; with
another torch (Colab installs its own) it says what it found and what to do.

The files are PyTorch's, under its BSD-style licence (the LICENSE file of the installed
distribution); the course reads them in place and redistributes none of them.
"""
from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path

TORCH_VERSION = "2.13.0"

TRAIN_FILES = tuple(f"nn/modules/{name}.py" for name in (
    "__init__", "_functions", "activation", "adaptive", "batchnorm", "channelshuffle", "container", "conv",
    "distance", "dropout", "flatten", "fold", "instancenorm", "lazy", "linear", "linear_cross_entropy",
    "linear_cross_entropy_options", "loss", "module", "normalization", "padding", "pixelshuffle", "pooling",
    "rnn", "sparse", "transformer", "upsampling", "utils"))
HELD_OUT_FILES = tuple(f"optim/{name}.py" for name in (
    "__init__", "_adafactor", "_functional", "_muon", "_stateless", "adadelta", "adagrad", "adam", "adamax",
    "adamw", "asgd", "lbfgs", "lr_scheduler", "nadam", "optimizer", "radam", "rmsprop", "rprop", "sgd",
    "sparse_adam", "swa_utils"))

# characters of the text after `plain()`, and the SHA-256 of its UTF-8 bytes, as torch 2.13.0's wheel has them
EXPECTED = {
    "train": (911633, "95b7648ea852b9a1fb31a6521b980b32411c974b58dae0dc680cff6b3278835f"),
    "held_out": (497964, "1388bdb41856603e61935338b500e8f595aebe150d2c9eccb4d6f48ed7d91b97"),
}
SEPARATOR = "\n\n"        # between two files: a blank line more, as between two functions


class CorpusError(RuntimeError):
    """The installed torch does not hold the course's selection as torch 2.13.0 does."""


@dataclass(frozen=True)
class Corpus:
    train: str
    held_out: str
    torch_root: Path
    exact: bool = True          # torch 2.13.0's text, size and SHA-256 checked
    note: str = ""              # what was found instead, when not exact


def torch_root() -> Path:
    """Where the installed torch package lives, found without importing it."""
    spec = importlib.util.find_spec("torch")
    if spec is None or not spec.submodule_search_locations:
        raise CorpusError("torch is not installed in this Python: the real-code corpus is read from torch's own "
                          f"source files. Install the course's requirements (torch=={TORCH_VERSION}).")
    return Path(list(spec.submodule_search_locations)[0])


def plain(text: str) -> str:
    """The text with every character outside printable ASCII, newline included, replaced by '?' (the
    selection holds only a few dashes outside it), so that the vocabulary is the keyboard's."""
    return "".join(ch if ch == "\n" or " " <= ch <= "~" else "?" for ch in text)


def read_part(files: tuple[str, ...], root: Path | None = None) -> str:
    root = torch_root() if root is None else root
    missing = [name for name in files if not (root / name).is_file()]
    if missing:
        raise CorpusError(f"the installed torch at {root} lacks {len(missing)} of the corpus's files "
                          f"({', '.join(missing[:3])}{'...' if len(missing) > 3 else ''}): {_advice()}")
    return SEPARATOR.join(plain((root / name).read_text(encoding="utf-8")) for name in files)


def fingerprint(text: str) -> tuple[int, str]:
    return len(text), hashlib.sha256(text.encode("utf-8")).hexdigest()


def _advice() -> str:
    try:
        from importlib.metadata import version
        found = version("torch")
    except Exception:                                 # pragma: no cover - torch without metadata
        found = "unknown"
    return (f"this corpus is torch {TORCH_VERSION}'s own source, and this Python has torch {found}. "
            f"Install torch=={TORCH_VERSION} (the course's requirements pin it), or use the shipped model "
            "without retraining it.")


def corpus(root: Path | None = None, check: bool = True) -> Corpus:
    """The training and held-out text, checked against torch 2.13.0's (size and SHA-256) unless
    `check` is False (then any torch's files are read as they are)."""
    root = torch_root() if root is None else root
    parts = {"train": read_part(TRAIN_FILES, root), "held_out": read_part(HELD_OUT_FILES, root)}
    if check:
        for part, text in parts.items():
            found, expected = fingerprint(text), EXPECTED[part]
            if found != expected:
                raise CorpusError(f"the {part} part of the real-code corpus is {found[0]:,} characters with "
                                  f"SHA-256 {found[1][:12]}..., not {expected[0]:,} with {expected[1][:12]}...: "
                                  + _advice())
    return Corpus(parts["train"], parts["held_out"], root)


def found_corpus(root: Path | None = None) -> Corpus:
    """corpus() where torch 2.13.0 is installed; elsewhere (Colab installs its own torch) the same
    selection as the installed torch has it, the files it lacks left out, with `exact` False and a
    `note` saying what was found: a lecture can then still show the model on real code, and say
    that its figures were measured on other text."""
    try:
        return corpus(root)
    except CorpusError as err:
        problem = str(err)
    root = torch_root() if root is None else root
    parts = {}
    for part, files in (("train", TRAIN_FILES), ("held_out", HELD_OUT_FILES)):
        present = tuple(name for name in files if (root / name).is_file())
        if not present:
            raise CorpusError(f"{problem} (and this torch has none of the {part} part's files)")
        parts[part] = read_part(present, root)
    note = (f"{problem} Read instead: {len(parts['train']):,} characters to train on and "
            f"{len(parts['held_out']):,} held out, from this torch's files; the lecture's figures were measured "
            f"on torch {TORCH_VERSION}'s and will differ a little here.")
    return Corpus(parts["train"], parts["held_out"], root, exact=False, note=note)
