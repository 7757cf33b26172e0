"""A submitted notebook read and repaired before nbgrader grades it: `read(path, notes)` raises
`Rejected` (with a reason a student can act on) for a file that is no notebook; `repair(nb, release)`
returns a `Repaired` (the notebook, flags for the instructor, notes) with each grade, locked or
answer cell's grading metadata, and each such cell deleted, put back from the release.
docs/architecture.md ("What the libraries lack") says what nbgrader's own sanitising misses.
"""

from __future__ import annotations

import copy
import json
import os
import re
import stat
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat.warnings import DuplicateCellId
from nbgrader.utils import compute_checksum

MAX_BYTES = 20 * 1024**2
MAX_DEPTH = 64  # JSON nesting; real notebooks (widget state included) stay far below it


class Rejected(Exception):
    """The submission cannot be graded; the message says why, for the student and instructor."""


@dataclass
class Repaired:
    notebook: nbformat.NotebookNode
    flags: list[str] = field(default_factory=list)  # what a student changed: for the instructor to look at
    notes: list[str] = field(default_factory=list)  # what the instructor changed since the student's copy


def _grade_id(cell) -> str | None:
    meta = cell.get("metadata", {}).get("nbgrader")
    gid = meta.get("grade_id") if isinstance(meta, dict) else None
    return gid if isinstance(gid, str) else None


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else str(source)


def _short(value, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def json_depth(value, limit: int = MAX_DEPTH) -> int:
    """How deeply `value` nests lists and dicts, counted without recursion; stops past `limit`."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        deepest = max(deepest, depth)
        if deepest > limit:
            break
        stack.extend((x, depth + 1) for x in item if isinstance(x, (dict, list)))
    return deepest


def read_bytes(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file, never following a link and never blocking on a pipe."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as err:
        raise Rejected(f"the notebook cannot be opened ({err.strerror}; a link, or not a file?)") from None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise Rejected("the notebook is not a regular file (a pipe, device or folder); submit the file itself")
        if info.st_size > limit:
            raise Rejected(
                f"the notebook is {info.st_size / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB "
                "(clear large outputs before submitting)"
            )
        raw = f.read(limit + 1)
    if len(raw) > limit:
        raise Rejected(f"the notebook grew past {limit / 1e6:.0f} MB while it was read")
    return raw


SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(value, found: list[int]):
    """`value` (parsed JSON) with every unpaired surrogate replaced by U+FFFD; `found` counts them."""
    if isinstance(value, str):
        fixed, n = SURROGATE.subn("\ufffd", value)
        if n:
            found.append(n)
        return fixed
    if isinstance(value, list):
        return [_without_surrogates(v, found) for v in value]
    if isinstance(value, dict):
        return {_without_surrogates(k, found): _without_surrogates(v, found) for k, v in value.items()}
    return value


def read(path: Path, notes: list[str] | None = None) -> nbformat.NotebookNode:
    """Parse a submission as Jupyter would, or raise Rejected with a reason a student can act on.
    What had to be mended to read it (unpaired surrogates) is appended to `notes`."""
    raw = read_bytes(Path(path))
    try:
        text = raw.decode("utf-8")
        data = json.loads(text)
    except UnicodeDecodeError:
        raise Rejected("the file is not UTF-8 text, so it is not a notebook") from None
    except json.JSONDecodeError as err:
        raise Rejected(
            f"the file is not valid JSON (line {err.lineno}, column {err.colno}: {err.msg}); "
            "it may have been truncated or edited by hand"
        ) from None
    except RecursionError:
        raise Rejected(
            "the file nests its JSON thousands of levels deep; it is not a notebook "
            "Jupyter wrote (edited by hand or by a program?)"
        ) from None
    if not isinstance(data, dict) or data.get("nbformat") != 4:
        raise Rejected("the file is not a version 4 Jupyter notebook")
    if json_depth(data) > MAX_DEPTH:
        raise Rejected(
            f"the file nests its JSON more than {MAX_DEPTH} levels deep; it is not a "
            "notebook Jupyter wrote (edited by hand or by a program?)"
        )
    found: list[int] = []
    data = _without_surrogates(data, found)
    if found:
        text = json.dumps(data)
        if notes is not None:
            notes.append(
                f"{sum(found)} broken character(s) (half of an emoji or similar, which no text "
                "file can hold) replaced by \ufffd (U+FFFD); graded as mended"
            )
    try:
        nb = nbformat.reader.reads(text)  # joins list sources, as Jupyter does
        minor = nb.get("nbformat_minor")
        if isinstance(minor, int) and minor < nbformat.v4.nbformat_minor:
            nb = nbformat.v4.upgrade(nb, from_version=4, from_minor=minor)  # 4.0-4.4: adds cell ids
        with warnings.catch_warnings():  # nbformat gives a repeated cell id a new one, with a warning
            warnings.simplefilter("ignore", DuplicateCellId)
            if isinstance(minor, int) and minor > nbformat.v4.nbformat_minor:
                # nbformat's schema for a newer minor accepts any cell type, which nothing
                # downstream can grade: check it as the newest format we know, new fields allowed
                nbformat.validate(nb, version=4, version_minor=nbformat.v4.nbformat_minor, relax_add_props=True)
            else:
                nbformat.validate(nb)
    except Exception as err:  # nbformat's ValidationError and kin
        first = (str(err).strip().splitlines() or [type(err).__name__])[0][:200]
        raise Rejected(f"the notebook does not follow the notebook format: {first}") from None
    return nb


# the grading metadata nbgrader's checksum covers (beside the grade id, the source and the type)
CHECKSUMMED = {"points", "grade", "solution", "locked"}


def _as_released(cell, have: dict, ref) -> bool:
    """Whether a cell's grading metadata matches the checksum nbgrader stored with it, as an earlier
    release's does: a difference from the current release is then the instructor's (a note), else
    the student's (a flag). The current release's metadata is used either way, so a student who
    forges a checksum changes a flag into a note, never a grade."""
    stored = have.get("checksum")
    if not isinstance(stored, str):
        return False
    source = (
        _text(ref.source) if have.get("solution") and ref.metadata["nbgrader"].get("solution") else _text(cell.source)
    )
    probe = nbformat.from_dict({"cell_type": cell.get("cell_type"), "source": source, "metadata": {"nbgrader": have}})
    try:
        return compute_checksum(probe) == stored
    except Exception:  # malformed fields: not nbgrader's
        return False


def repair(nb: nbformat.NotebookNode, release: nbformat.NotebookNode) -> Repaired:
    """Restore grading metadata and deleted cells from `release`; report each change."""
    nb = copy.deepcopy(nb)
    flags: list[str] = []
    notes: list[str] = []
    reference = {_grade_id(c): c for c in release.cells if _grade_id(c)}
    seen: set[str] = set()
    for n, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {})
        if "nbgrader" not in meta:
            continue
        if _grade_id(cell) is None:
            flags.append(f"cell {n}: grading metadata is malformed ({_short(meta['nbgrader'])}); removed")
            del meta["nbgrader"]
            continue
        gid = _grade_id(cell)
        ref = reference.get(gid)
        if ref is None or gid in seen:
            what = "a second copy of cell" if gid in seen else "grading metadata on an unknown cell"
            flags.append(f"{what} {gid!r}: metadata removed")
            del meta["nbgrader"]
            continue
        seen.add(gid)
        want = ref.metadata["nbgrader"]
        have = meta["nbgrader"]
        changed = sorted(k for k in set(want) | set(have) if k != "checksum" and want.get(k) != have.get(k))
        released = _as_released(cell, have, ref)
        if changed:
            details = ", ".join(f"{k} {_short(have.get(k))} -> {_short(want.get(k))}" for k in changed)
            if released and set(changed) <= CHECKSUMMED:
                notes.append(
                    f"cell {gid!r}: grading metadata not the current release's but consistent with "
                    f"its checksum, as an earlier release's is ({details}; a student can compute a "
                    "checksum too); the current one used"
                )
            else:
                flags.append(f"cell {gid!r}: grading metadata edited ({details}); restored")
        meta["nbgrader"] = copy.deepcopy(want)
        if (
            (want.get("locked") or want.get("grade"))
            and not want.get("solution")
            and _text(cell.source).strip() != _text(ref.source).strip()
        ):
            if released:
                notes.append(
                    f"cell {gid!r}: a test cell not the current release's but consistent with its "
                    "checksum, as an earlier release's is; nbgrader grades with the current one"
                )
            else:
                flags.append(f"cell {gid!r}: a locked or test cell was edited; nbgrader restores it")
        if cell.cell_type != ref.cell_type:
            flags.append(f"cell {gid!r}: type changed from {ref.cell_type} to {cell.cell_type}; restored")
            source = cell.source
            cell.clear()
            cell.update(copy.deepcopy(ref))
            if want.get("solution"):
                cell.source = source  # keep the student's answer, in the right type
    # put back deleted cells that nbgrader grades or locks, after the cell that preceded them in the release
    order = [_grade_id(c) for c in release.cells]
    for index, ref in enumerate(release.cells):
        gid, kept = _grade_id(ref), ref.metadata.get("nbgrader", {})
        if not gid or gid in seen or not any(kept.get(k) for k in ("grade", "locked", "solution", "task")):
            continue
        previous = next((order[k] for k in range(index - 1, -1, -1) if order[k] in seen), None)
        position = 0 if previous is None else 1 + next(k for k, c in enumerate(nb.cells) if _grade_id(c) == previous)
        nb.cells.insert(position, copy.deepcopy(ref))
        seen.add(gid)
        flags.append(f"cell {gid!r} was deleted; put back from the release version")
    try:
        with warnings.catch_warnings():  # a cell put back may repeat the id of a student's cell
            warnings.simplefilter("ignore", DuplicateCellId)
            _, nb = nbformat.validator.normalize(nb)  # which nbformat makes unique
        nbformat.validate(nb)
    except nbformat.ValidationError as err:
        first = (str(err).strip().splitlines() or ["invalid"])[0][:200]
        raise Rejected(f"the notebook is not valid even after its grading metadata was repaired: {first}") from None
    return Repaired(nb, flags, notes)
