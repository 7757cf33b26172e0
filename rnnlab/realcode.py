"""Real code to train a character model on: the installed torch==2.13.0's own Python files, nothing downloaded.

`corpus()` reads every file of TRAIN_DIRS for training and HELD_OUT_FILES (torch/optim) held out, each as
code only (`code_only`), and checks each part's size and SHA-256; `found_corpus()` also takes another
torch's files (Colab's), saying so. The files are PyTorch's, under its BSD-style licence: the course reads
them in place and redistributes none of them.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import importlib.util
import io
import tokenize
from dataclasses import dataclass
from pathlib import Path

TORCH_VERSION = "2.13.0"

# every .py file under these folders of torch (926 files in 2.13.0)
TRAIN_DIRS = tuple(
    "_decomp _export _higher_order_ops _numpy _refs ao autograd distributions export fx jit nn onnx profiler sparse "
    "utils".split()
)
HELD_OUT_FILES = tuple(
    f"optim/{name}.py"
    for name in "__init__ _adafactor _functional _muon _stateless adadelta adagrad adam adamax adamw asgd lbfgs "
    "lr_scheduler nadam optimizer radam rmsprop rprop sgd sparse_adam swa_utils".split()
)

# characters of each part (code only, after `plain()`), and the SHA-256 of its UTF-8 bytes, as
# torch 2.13.0's wheel has them under Python 3.11
EXPECTED = {
    "train": (9506463, "f423b72324cde53b1b03e399bbec13436be2245c14966cc9a8b3fe68d08eba6b"),
    "held_out": (363638, "5cd4acdcdf409914af764b2d12619375cf0db30dc327b4c48b252cc17b53bfe0"),
}
SEPARATOR = "\n\n"  # between two files: a blank line more, as between two functions


class CorpusError(RuntimeError):
    """The installed torch does not hold the course's selection as torch 2.13.0 does."""


@dataclass(frozen=True)
class Corpus:
    train: str
    held_out: str
    torch_root: Path
    exact: bool = True  # torch 2.13.0's text, size and SHA-256 checked
    note: str = ""  # what was found instead, when not exact


def torch_root() -> Path:
    """Where the installed torch package lives, found without importing it."""
    spec = importlib.util.find_spec("torch")
    if spec is None or not spec.submodule_search_locations:
        raise CorpusError(
            "torch is not installed in this Python: the real-code corpus is read from torch's own "
            f"source files. Install the course's requirements (torch=={TORCH_VERSION})."
        )
    return Path(list(spec.submodule_search_locations)[0])


def plain(text: str) -> str:
    """The text with every character outside printable ASCII, newline included, replaced by '?' (the
    selection holds only a few dashes outside it), so that the vocabulary is the keyboard's."""
    return "".join(ch if ch == "\n" or " " <= ch <= "~" else "?" for ch in text)


def code_only(source: str) -> str:
    """Python source without its docstrings (but one that is a whole body) and comments (a line that held
    only a comment goes whole); strings that are values stay. SyntaxError for text that is not Python."""
    lines = io.StringIO(source).readlines()  # at newlines only, as ast and tokenize count lines
    drop = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
                and (len(node.body) > 1 or isinstance(node, ast.Module))
            ):
                drop.update(range(first.lineno - 1, first.end_lineno))
    lines = [line for k, line in enumerate(lines) if k not in drop]
    comments = [
        tok.start
        for tok in tokenize.generate_tokens(io.StringIO("".join(lines)).readline)
        if tok.type == tokenize.COMMENT
    ]
    for row, col in reversed(comments):
        before = lines[row - 1][:col]
        lines[row - 1] = before.rstrip() + "\n" if before.strip() else ""
    return "".join(lines)


_READ: dict[bytes, str] = {}  # one process cuts each file's text once: SHA-256 of its bytes -> code


def _code_of(path: Path) -> str:
    """A file's code, decoded as Python decodes a source file (coding declaration, byte-order mark, line ends)."""
    raw = path.read_bytes()
    key = hashlib.sha256(raw).digest()
    if key not in _READ:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)  # "utf-8-sig" drops the mark
        try:
            source = raw.decode(encoding).replace("\r\n", "\n").replace("\r", "\n")
        except LookupError as err:  # a declared coding that is no text codec (rot13, hex)
            raise SyntaxError(f"encoding problem: {encoding}") from err  # as Python says it
        _READ[key] = plain(code_only(source))
    return _READ[key]


_CUTTING = (code_only, _code_of, plain)  # the code a part's cut text depends on (_part_key)


def cache_dir(store: str = "realcode") -> Path:
    """Where work done once is kept between runs: $XDG_CACHE_HOME/rnnlab/<store> (or ~/.cache/...); stores
    "realcode" (each part's cut code) and "ngram" (rnnlab.codelm.ngram_losses)."""
    import os

    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "rnnlab" / store


def _part_key(files: tuple[str, ...], root: Path) -> str:
    """What a part's code depends on: each file's name and bytes, the text of _CUTTING, and Python's version."""
    import inspect
    import sys

    h = hashlib.sha256("".join(inspect.getsource(f) for f in _CUTTING).encode())
    h.update(f"{sys.version_info[:2]}|{SEPARATOR}".encode())
    for name in files:
        h.update(name.encode() + b"\0" + hashlib.sha256((root / name).read_bytes()).digest())
    return h.hexdigest()


def kept(key: str, store: str = "realcode") -> bytes | None:
    """The bytes kept under `key` in `store`, if they are there and whole (the first line is the rest's SHA-256)."""
    import os

    path = cache_dir(store) / f"{key}.txt"
    try:
        digest, data = path.read_bytes().split(b"\n", 1)
    except (OSError, ValueError):
        return None
    if hashlib.sha256(data).hexdigest().encode() != digest:
        return None
    try:
        os.utime(path)  # the last to be dropped
    except OSError:
        pass
    return data


KEEP = 4  # entries kept in a store: the two parts, for two versions of torch or of the cut


def keep(key: str, data: bytes, store: str = "realcode") -> None:
    """Keep `data` under `key` in `store`, and only the KEEP newest entries there; a cache that cannot be
    written is skipped."""
    import os
    import tempfile

    try:
        folder = cache_dir(store)
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
        with os.fdopen(fd, "wb") as out:
            out.write(hashlib.sha256(data).hexdigest().encode() + b"\n" + data)
        os.replace(tmp, folder / f"{key}.txt")
        entries = sorted(folder.glob("*.txt"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def train_files(root: Path | None = None) -> tuple[str, ...]:
    """The training part's files (paths inside torch), every .py file under TRAIN_DIRS, sorted."""
    root = torch_root() if root is None else Path(root)
    return tuple(sorted(p.relative_to(root).as_posix() for d in TRAIN_DIRS for p in (root / d).rglob("*.py")))


def _some(names: list[str]) -> str:
    return ", ".join(names[:3]) + ("..." if len(names) > 3 else "")


def _lacking(root: Path, missing: list[str], what: str) -> None:
    if missing:
        raise CorpusError(
            f"the installed torch at {root} lacks {len(missing)} of the corpus's {what} ({_some(missing)}): {_advice()}"
        )


def _check_present(files: tuple[str, ...], root: Path) -> None:
    _lacking(root, [name for name in files if not (root / name).is_file()], "files")


def read_part(files: tuple[str, ...], root: Path | None = None) -> str:
    """The code of `files` (paths inside torch), each through code_only() and plain(), joined."""
    root = torch_root() if root is None else Path(root)
    _check_present(files, root)
    key = _part_key(files, root)
    data = kept(key)
    if data is not None:
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode("utf-8")
    texts = []
    for name in files:
        try:
            texts.append(_code_of(root / name))
        except (SyntaxError, UnicodeDecodeError, tokenize.TokenError) as err:
            raise CorpusError(
                f"{root / name} cannot be read as Python here ({type(err).__name__}: {err}): " + _advice()
            ) from err
    text = SEPARATOR.join(texts)
    keep(key, text.encode("utf-8"))
    return text


def fingerprint(text: str) -> tuple[int, str]:
    return len(text), hashlib.sha256(text.encode("utf-8")).hexdigest()


def _advice() -> str:
    try:
        from importlib.metadata import version

        found = version("torch")
    except Exception:  # pragma: no cover - torch without metadata
        found = "unknown"
    return (
        f"this corpus is torch {TORCH_VERSION}'s own source, and this Python has torch {found}. "
        f"Install torch=={TORCH_VERSION} (the course's requirements pin it), or use the shipped model "
        "without retraining it."
    )


def corpus(root: Path | None = None, check: bool = True) -> Corpus:
    """The training and held-out text, checked against torch 2.13.0's (size and SHA-256) unless
    `check` is False (then any torch's files are read as they are)."""
    root = torch_root() if root is None else Path(root)
    _lacking(root, [d for d in TRAIN_DIRS if not (root / d).is_dir()], "folders")
    files = {"train": train_files(root), "held_out": HELD_OUT_FILES}
    _check_present(files["train"] + files["held_out"], root)  # what is missing first, then what cannot be read
    parts = {part: read_part(names, root) for part, names in files.items()}
    if check:
        for part, text in parts.items():
            found, expected = fingerprint(text), EXPECTED[part]
            if found != expected:
                raise CorpusError(
                    f"the {part} part of the real-code corpus is {found[0]:,} characters with "
                    f"SHA-256 {found[1][:12]}..., not {expected[0]:,} with {expected[1][:12]}...: " + _advice()
                )
    return Corpus(parts["train"], parts["held_out"], root)


def found_corpus(root: Path | None = None) -> Corpus:
    """corpus() where torch 2.13.0 is installed; elsewhere (Colab's own torch) the same selection from the
    installed torch, what it lacks or cannot read left out, with `exact` False and a `note` saying so."""
    try:
        return corpus(root)
    except CorpusError as err:
        problem = str(err)
    root = torch_root() if root is None else Path(root)
    parts, unread = {}, []
    for part, files in (("train", train_files(root)), ("held_out", HELD_OUT_FILES)):
        present = tuple(name for name in files if (root / name).is_file())  # what is missing, the problem says
        if not present:
            raise CorpusError(f"{problem} (and this torch has none of the {part} part's files)")
        with contextlib.suppress(CorpusError):
            parts[part] = read_part(present, root)  # (kept from an earlier run, when there was one)
            continue
        readable = []
        for name in present:
            try:
                _code_of(root / name)
                readable.append(name)
            except (OSError, SyntaxError, UnicodeDecodeError, tokenize.TokenError):
                unread.append(name)
        parts[part] = read_part(tuple(readable), root)
    if unread:
        problem += (
            f" {len(unread)} of this torch's files could not be read as Python here ({_some(unread)}) and are left out."
        )
    note = (
        f"{problem} Read instead: {len(parts['train']):,} characters to train on and "
        f"{len(parts['held_out']):,} held out, from this torch's files; the lecture's figures were measured "
        f"on torch {TORCH_VERSION}'s and will differ a little here."
    )
    return Corpus(parts["train"], parts["held_out"], root, exact=False, note=note)


def main() -> int:
    """`python -m rnnlab.realcode` (run by the course's install): read the corpus once, so that its cut code
    is kept for the lecture."""
    try:
        c = found_corpus()
    except CorpusError as err:  # the lecture will say it again; the install goes on
        print(f"chapter 09's real-code corpus cannot be read: {err}")
        return 0
    print(
        f"chapter 09's real-code corpus: {len(c.train):,} characters to train on and {len(c.held_out):,} held "
        f"out, their code kept in {cache_dir()}" + ("" if c.exact else f". {c.note}")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
