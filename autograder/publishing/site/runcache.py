"""Each lecture's run, stored between builds of the site, so `make site` runs again only the
lectures whose inputs changed.

Running the lectures in kernels and baking their widgets is almost all of a build (59 s of it on a
quiet machine, three times that beside other work). A run depends on the lecture, on the course
package `rnnlab` (code, data and trained weights), on the site's own code (the first and last cells
the build adds, the baking), on the installed packages (torch, matplotlib, ipywidgets, Pillow...),
on the CPU (torch picks its kernels by the CPU's capability, and AVX2 and AVX-512 compute other
bits, so a trained model draws other pictures), on Python, and on the environment variables the
lectures or torch read (RNNLAB_SEED, RNNLAB_UNTRAINED, ATEN_CPU_CAPABILITY, the thread counts).
The key of a run is a hash of all of that; a lecture whose key has an entry reuses it.

An entry is a folder `<lecture>.<key>` holding what `build.run_and_bake` returns (the executed
notebook, the baked states), the pictures it wrote into _static/baked/<lecture>/, the probes the
site's tests ask for, and the hash of each of those files. It is written under a temporary name
and renamed once complete, so a build stopped halfway leaves no entry, and it is checked file by
file before it is used: an entry that fails the check is removed and the lecture runs again.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat

FORMAT = 1  # the layout of an entry: changing it makes every older entry a miss
# environment variables that change a run: the course's own (RNNLAB_SEED, RNNLAB_UNTRAINED...),
# torch's (ATEN_CPU_CAPABILITY picks other kernels, TORCH_*) and the thread counts (another
# number of threads sums in another order)
VARIABLES = (
    "ATEN_CPU_CAPABILITY",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "PYTHONHASHSEED",
    "MPLBACKEND",
)
PREFIXES = ("RNNLAB_", "TORCH_", "ATEN_")
# set by the build itself to a new empty file each time: the widgets read no answers from it
UNREAD = ("RNNLAB_REVIEW_FILE",)
KEEP = 2  # entries kept per lecture: `make site`'s and the site tests' (with probes)
STALE_TEMPORARY = 3600  # seconds after which a temporary folder is a stopped build's, removed


# -- the key ---------------------------------------------------------------------------------
def digest_files(root: Path) -> str:
    """A hash of every file under `root`, its path and its bytes; compiled Python is left out
    (Python writes it itself, and it follows the source)."""
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if "__pycache__" in path.parts or path.suffix == ".pyc":
            continue
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def digest_files_named(folder: Path, pattern: str) -> str:
    """A hash of the files of `folder` (not below it) whose names match `pattern`."""
    h = hashlib.sha256()
    for path in sorted(folder.glob(pattern)):
        h.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def environment() -> dict:
    """The environment variables of this process that change a lecture's run."""
    return {
        name: value
        for name, value in sorted(os.environ.items())
        if (name in VARIABLES or name.startswith(PREFIXES)) and name not in UNREAD
    }


@functools.cache
def packages() -> tuple[str, ...]:
    """Every installed distribution and its version (the kernel runs in this environment); read
    once a process (a third of a second: the tests ask many times)."""
    return tuple(
        sorted({f"{(d.metadata['Name'] or '').lower()}=={d.version}" for d in importlib.metadata.distributions()})
    )


def inputs(course: Path, code: Path) -> dict:
    """What every lecture's run depends on besides the lecture itself: the course package in
    `course`, the site's code in `code`, the installed packages, torch and the CPU capability it
    runs at, Python, and the environment variables that change a run."""
    import torch

    return {
        "format": FORMAT,
        "rnnlab": digest_files(course / "rnnlab"),
        "site code": digest_files_named(code, "*.py"),
        "packages": packages(),
        "torch": torch.__version__,
        "capability": torch.backends.cpu.get_cpu_capability(),
        "python": sys.version,
        "machine": platform.machine(),
        "environment": environment(),
    }


def key(lecture: Path, shared: dict, probe: bool) -> str:
    """The key of a lecture's run: its bytes, `shared` (`inputs`), and whether the run also
    probes the widgets for the tests (an extra cell, and an extra file stored)."""
    parts = dict(shared, lecture=hashlib.sha256(lecture.read_bytes()).hexdigest(), probe=probe)
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


# -- the entries -----------------------------------------------------------------------------
class Damaged(Exception):
    """An entry that is not what was stored (a stopped copy, a disk error, a hand's edit)."""


def hashes(folder: Path) -> dict:
    """The hash of every file in an entry but its manifest, by path."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    }


class Cache:
    """The stored runs in `folder`; `log` says which entry was damaged and what could not be stored."""

    def __init__(self, folder: Path, log=print):
        self.folder, self.log = folder, log

    def entry(self, stem: str, key: str) -> Path:
        return self.folder / f"{stem}.{key}"

    def load(self, stem: str, key: str, static: Path, probes: Path | None):
        """The run stored under `key` as run_and_bake returns it, with its pictures copied into
        static/baked/<stem>/ and its probes into probes/<stem>.json, as the run wrote them; None
        if there is none, or if it fails its check (it is then removed, and the lecture runs)."""
        folder = self.entry(stem, key)
        if not folder.is_dir():
            return None
        try:
            self.check(folder, key, probes is not None)
            executed = nbformat.from_dict(json.loads((folder / "notebook.json").read_text()))
            baked = json.loads((folder / "baked.json").read_text())
            pictures = static / "baked" / stem
            shutil.rmtree(pictures, ignore_errors=True)
            if (folder / "pictures").is_dir():
                shutil.copytree(folder / "pictures", pictures)
            if probes is not None:
                shutil.copy(folder / "probes.json", probes / f"{stem}.json")
            os.utime(folder)  # used now: kept longest (`prune`)
        except (Damaged, OSError, ValueError) as err:
            self.log(f"site: the stored run of {stem} is damaged ({err}); it runs again")
            shutil.rmtree(folder, ignore_errors=True)
            shutil.rmtree(static / "baked" / stem, ignore_errors=True)  # no picture of it left over
            return None
        return executed, baked

    def check(self, folder: Path, key: str, probe: bool) -> None:
        """Raise Damaged unless every file of the entry is there with the bytes it was stored with."""
        try:
            manifest = json.loads((folder / "manifest.json").read_text())
        except (OSError, ValueError) as err:
            raise Damaged(f"no readable manifest: {err}") from None
        if not isinstance(manifest, dict):
            raise Damaged("its manifest is no table")
        files = manifest.get("files")
        needed = {"notebook.json", "baked.json"} | ({"probes.json"} if probe else set())
        if manifest.get("key") != key or not isinstance(files, dict) or not needed <= files.keys():
            raise Damaged("its manifest is another run's")
        if hashes(folder) != files:
            raise Damaged("its files differ from those stored")

    def save(self, stem: str, key: str, run: tuple, static: Path, probes: Path | None) -> None:
        """Store a run (`run_and_bake`'s result and the files it wrote), complete or not at all.
        A failure to store is reported and the build goes on: the next build runs the lecture."""
        executed, baked = run
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{stem}-", dir=self.folder))
        except OSError as err:
            self.log(f"site: the run of {stem} was not stored ({err})")
            return
        try:
            (tmp / "notebook.json").write_text(json.dumps(executed))
            (tmp / "baked.json").write_text(json.dumps(baked))
            if (static / "baked" / stem).is_dir():
                shutil.copytree(static / "baked" / stem, tmp / "pictures")
            if probes is not None:
                shutil.copy(probes / f"{stem}.json", tmp / "probes.json")
            (tmp / "manifest.json").write_text(json.dumps({"key": key, "files": hashes(tmp)}))
            final = self.entry(stem, key)
            shutil.rmtree(final, ignore_errors=True)  # a damaged one, or --fresh's old one
            os.rename(tmp, final)  # another build's, stored meanwhile, stays
        except OSError as err:
            self.log(f"site: the run of {stem} was not stored ({err})")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        self.prune(stem)

    def prune(self, stem: str) -> None:
        """Keep the KEEP entries of the lecture used last, and remove what stopped builds left."""

        def used(path: Path) -> float:  # another build may remove it meanwhile
            try:
                return path.stat().st_mtime
            except OSError:
                return 0.0

        entries = sorted(self.folder.glob(f"{stem}.*"), key=used, reverse=True)
        old = [p for p in self.folder.glob(".tmp-*") if used(p) < time.time() - STALE_TEMPORARY]
        for path in entries[KEEP:] + old:
            shutil.rmtree(path, ignore_errors=True)
