"""Check a submitted notebook and repair what a student may not change, before nbgrader runs.

Stock nbgrader aborts the whole class's run on one cell with a newer schema_version, and
repairs other edits silently. Here every submission is read on its own: what cannot be read
is rejected with a reason; what was changed in the grading metadata is put back from the
release version of the notebook and reported as a flag:

- nbgrader metadata of a known cell (points, grade, solution, locked, schema_version, type):
  restored from the release version;
- a grade or locked cell that was deleted: put back where it was, from the release version;
- nbgrader metadata on a cell the release does not have (a forged test cell), or a second
  copy of a known cell: the metadata is removed, so it is an ordinary cell.
The source of test and locked cells is restored by nbgrader itself, from the gradebook.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat.v4.rwbase import rejoin_lines

MAX_BYTES = 20 * 1024 ** 2


class Rejected(Exception):
    """The submission cannot be graded; the message says why, for the student and instructor."""


@dataclass
class Repaired:
    notebook: nbformat.NotebookNode
    flags: list[str] = field(default_factory=list)


def _grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _must_keep(cell) -> bool:
    """Cells nbgrader grades or locks: these must exist in every submission."""
    meta = cell.metadata.get("nbgrader", {})
    return bool(meta.get("grade") or meta.get("locked") or meta.get("solution") or meta.get("task"))


def read(path: Path) -> nbformat.NotebookNode:
    """Parse a submission, or raise Rejected with a reason a student can act on."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise Rejected(f"the notebook is {size / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB "
                       "(clear large outputs before submitting)")
    raw = path.read_bytes()
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise Rejected("the file is not UTF-8 text, so it is not a notebook") from None
    except json.JSONDecodeError as err:
        raise Rejected(f"the file is not valid JSON (line {err.lineno}, column {err.colno}: {err.msg}); "
                       "it may have been truncated or edited by hand") from None
    if not isinstance(data, dict) or data.get("nbformat") != 4:
        raise Rejected("the file is not a version 4 Jupyter notebook")
    try:
        nb = rejoin_lines(nbformat.from_dict(data))    # sources as strings, as nbformat.read gives them
        nbformat.validate(nb)
    except Exception as err:                          # nbformat's ValidationError and kin
        first = str(err).strip().splitlines()[0][:200]
        raise Rejected(f"the notebook does not follow the notebook format: {first}") from None
    return nb


def repair(nb: nbformat.NotebookNode, release: nbformat.NotebookNode) -> Repaired:
    """Restore grading metadata and deleted cells from `release`; report each change."""
    nb = copy.deepcopy(nb)
    flags: list[str] = []
    reference = {_grade_id(c): c for c in release.cells if _grade_id(c)}
    seen: set[str] = set()
    for cell in nb.cells:
        meta = cell.get("metadata", {})
        if "nbgrader" not in meta:
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
        changed = sorted(k for k in set(want) | set(have)
                         if k != "checksum" and want.get(k) != have.get(k))
        if changed:
            details = ", ".join(f"{k} {have.get(k)!r} -> {want.get(k)!r}" for k in changed)
            flags.append(f"cell {gid!r}: grading metadata edited ({details}); restored")
        meta["nbgrader"] = copy.deepcopy(want)
        if (want.get("locked") or want.get("grade")) and not want.get("solution") \
                and cell.source.strip() != ref.source.strip():
            flags.append(f"cell {gid!r}: a locked or test cell was edited; nbgrader restores it")
        if cell.cell_type != ref.cell_type:
            flags.append(f"cell {gid!r}: type changed from {ref.cell_type} to {cell.cell_type}; restored")
            source = cell.source
            cell.clear()
            cell.update(copy.deepcopy(ref))
            if want.get("solution"):
                cell.source = source                  # keep the student's answer, in the right type
    # put back deleted cells, after the cell that preceded them in the release
    order = [_grade_id(c) for c in release.cells]
    for index, ref in enumerate(release.cells):
        gid = _grade_id(ref)
        if not gid or gid in seen or not _must_keep(ref):
            continue
        previous = next((order[k] for k in range(index - 1, -1, -1) if order[k] in seen), None)
        position = 0 if previous is None else 1 + next(
            k for k, c in enumerate(nb.cells) if _grade_id(c) == previous)
        nb.cells.insert(position, copy.deepcopy(ref))
        seen.add(gid)
        flags.append(f"cell {gid!r} was deleted; put back from the release version")
    ids: set[str] = set()
    for n, cell in enumerate(nb.cells):          # cell ids must stay unique after the repairs
        if cell.get("id") in ids or not cell.get("id"):
            cell["id"] = f"repaired-{n}"
        ids.add(cell["id"])
    nb.metadata["kernelspec"] = copy.deepcopy(release.metadata.get("kernelspec", {}))
    nbformat.validate(nb)
    return Repaired(nb, flags)
