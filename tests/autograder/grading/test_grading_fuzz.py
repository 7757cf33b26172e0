"""A property-based fuzzer (Hypothesis) of the grading pipeline: one bad file never stops a class.

Each generated class is one honest student (their notebook written by `nbformat.write`, as
Jupyter saves it) among generated malformed ones: notebooks with odd metadata, versions,
sources, nesting, damaged bytes; links, hard links and named pipes where a notebook belongs;
stray files with names that are not UTF-8; zips with clashing, damaged, encrypted, escaping or
exploding entries, wrapped or not. Every trigger of issue 15 is an explicit @example.

Grading a submission costs a kernel (seconds); intake, reading and repair cost milliseconds.
So every generated class goes through the real staging steps and `write_reports` (reading,
repair, staging, reports), and a few of the malformed notebooks that reach grading (every one
from the explicit examples first) are then graded in one batch with the honest student
through the whole pipeline, sandbox and all. Properties:

- the run finishes (a stage that does not return within 60 s is a hang);
- the honest student is staged unflagged, then graded with full automatic marks;
- every other student ends `graded`, `rejected`, `missing` or `failed` with a reason, never by
  a grader error (a fault of the pipeline), and a notebook reached through a link, a hard link
  or a pipe is never graded;
- a staged notebook is valid and has every graded cell of the release;
- nothing outside the run's folders changes: the course (source/, its settings), the
  submissions and everything beside them hash the same before and after.

The generated part stops after FUZZ_SECONDS; the explicit examples always run.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import stat
import threading
import time
import zipfile
from collections import Counter
from pathlib import Path

import nbformat
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from autograder.authoring import fixtures as F
from autograder.course.submission_names import shown
from autograder.grading import scoring
from autograder.grading.run import Context, Options, grade_class
from support import JOBS, auto_test_ids, notebooks, staged

pytestmark = pytest.mark.grading
A = "ps01_sequence_data"
RELEASE, SOURCE = notebooks(A)
HONEST_NB = nbformat.reads(F.build(F.SOLUTION, RELEASE, SOURCE), 4)
HONEST = nbformat.writes(HONEST_NB).encode()  # sources as lists of lines, as Jupyter saves
HONEST_DICT = json.loads(HONEST)
GRADED_IDS = [
    c.metadata["nbgrader"]["grade_id"] for c in RELEASE.cells if c.metadata.get("nbgrader", {}).get("grade_id")
]
FULL = sum(
    float(c.metadata["nbgrader"]["points"])
    for c in SOURCE.cells
    if c.metadata.get("nbgrader", {}).get("grade")
    and c.cell_type == "code"
    and not c.metadata["nbgrader"].get("solution")
)
RUN_FOLDERS = {"staged", "autograded", "feedback", "reports", "grading-runs", "gradebook.db"}
FUZZ_SECONDS = float(os.environ.get("RNNLAB_FUZZ_SECONDS", "5"))
GRADE_RANDOM = 1  # generated notebooks graded in the batch with the honest student
LINKED = (
    "fifo",
    "link-notebook",
    "link-classmate",
    "link-source",
    "link-outside",
    "link-folder",
    "hardlink",
    "dangling",
)

# -- generated notebooks: the honest one, then edits --------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**6) | st.text(max_size=8),
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=6), kids, max_size=3),
    max_leaves=6,
)
cell_index = st.integers(0, len(HONEST_DICT["cells"]) - 1)
edits = st.one_of(
    st.tuples(st.just("nbgrader"), cell_index, json_values),  # metadata.nbgrader := value
    st.tuples(st.just("grade_id"), cell_index, json_values),
    st.tuples(st.just("minor"), st.integers(0, 6)),  # 4.0 to 4.4 have no cell ids
    st.tuples(st.just("source"), cell_index, json_values),
    st.tuples(st.just("deep"), st.integers(1, 5000)),  # nesting depth in metadata
    st.tuples(st.just("drop"), cell_index),
    st.tuples(st.just("dup"), cell_index),
    st.tuples(st.just("top"), st.sampled_from(["cells", "metadata", "nbformat", "nbformat_minor"]), json_values),
    st.tuples(st.just("cell"), cell_index, st.sampled_from(["cell_type", "id", "metadata", "outputs"]), json_values),
)
# text that JSON can hold and Unicode cannot (unpaired surrogates), and other odd code points,
# written as JSON escapes (as JupyterLab writes a lone surrogate)
ODD_TEXT = [
    r"\ud83d",
    r"\udc80",
    r"\udfff\ud800",
    r"\ud83d\ude00\ud83d",
    r"\u0000",
    r"\ufffe",
    r"\uffff",
    r"\udbff\udfff",
]
damage = st.one_of(
    st.just(("none",)),
    st.tuples(st.just("cut"), st.floats(0, 1)),
    st.tuples(st.just("bytes"), st.binary(max_size=40)),
    st.just(("latin1",)),
    st.tuples(st.just("escape"), st.sampled_from(ODD_TEXT)),
)
layouts = st.sampled_from(["folder", "nested", "flat"])
entries = st.one_of(
    st.tuples(st.just("nb"), layouts, st.lists(edits, max_size=4).map(tuple), damage),
    st.tuples(st.sampled_from(LINKED), layouts),
    st.tuples(st.just("stray"), st.binary(min_size=1, max_size=12)),
)
zip_damage = st.sampled_from(["conflict", "crc", "encrypted", "bomb", "escape", "absolute", "symlink", "utf8-flag"])
classes = st.tuples(
    st.sampled_from(["folder", "zip", "lms"]),
    st.lists(entries, min_size=1, max_size=4).map(tuple),
    st.lists(zip_damage, max_size=2).map(tuple),
)


def notebook_bytes(edit_list, dmg) -> bytes:
    nb = copy.deepcopy(HONEST_DICT)
    for e in edit_list:
        cells = nb.get("cells") if isinstance(nb.get("cells"), list) else []
        cell = (
            cells[e[1] % len(cells)]
            if cells and isinstance(e[1], int) and e[0] not in ("minor", "deep", "top")
            else None
        )
        if e[0] == "minor":
            nb["nbformat_minor"] = e[1]
            if e[1] < 5:
                for c in cells:
                    c.pop("id", None) if isinstance(c, dict) else None
        elif e[0] == "deep":
            if not isinstance(nb.get("metadata"), dict):  # an earlier "top" edit may have replaced it
                nb["metadata"] = {}
            nb["metadata"]["deep"] = "[" * e[1] + "]" * e[1]  # placeholder, spliced below
        elif e[0] == "top":
            nb[e[1]] = e[2]
        elif not isinstance(cell, dict):
            continue
        elif e[0] == "nbgrader":
            if not isinstance(cell.get("metadata"), dict):  # an earlier "cell" edit may have replaced it
                cell["metadata"] = {}
            cell["metadata"]["nbgrader"] = e[2]
        elif e[0] == "grade_id":
            meta = cell.get("metadata")
            if isinstance(meta, dict) and isinstance(meta.get("nbgrader"), dict):
                meta["nbgrader"]["grade_id"] = e[2]
        elif e[0] == "source":
            cell["source"] = e[2]
        elif e[0] == "drop":
            cells.remove(cell)
        elif e[0] == "dup":
            cells.append(copy.deepcopy(cell))
        elif e[0] == "cell":
            cell[e[2]] = e[3]
    text = json.dumps(nb, indent=1, ensure_ascii=False)
    deep = nb.get("metadata", {}).get("deep") if isinstance(nb.get("metadata"), dict) else None
    if isinstance(deep, str) and deep.startswith("["):
        text = text.replace(json.dumps(deep), deep, 1)
    raw = text.encode()
    if dmg[0] == "cut":
        raw = raw[: int(len(raw) * dmg[1])]
    elif dmg[0] == "bytes":
        raw = dmg[1]
    elif dmg[0] == "latin1":
        raw = text.replace("Problem set", "Probl\u00e8me set").encode("latin-1", "replace")
    elif dmg[0] == "escape":  # in a markdown cell and a solution cell
        raw = (
            text.replace("Problem set", "Problem " + dmg[1] + " set", 1)
            .replace("### BEGIN SOLUTION", "### BEGIN SOLUTION  # " + dmg[1], 1)
            .encode()
        )
    return raw


# -- building a class ------------------------------------------------------------------------------


def put(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def where(layout: str, student: str) -> str:
    return {"folder": f"{student}/{A}.ipynb", "nested": f"{student}/{A}/{A}.ipynb", "flat": f"{student}_{A}.ipynb"}[
        layout
    ]


def build_class(spec, base: Path, course: Path) -> tuple[Path, dict]:
    """Write the class into base/class (and base/class.zip); what each student is."""
    packaging, items, zdamage = spec
    folder = base / "class"
    put(folder / "honest" / f"{A}.ipynb", HONEST)
    put(base / "outside" / f"{A}.ipynb", HONEST)
    students = {"honest": ("honest",)}
    if any(item[0] in ("link-classmate", "link-folder") for item in items):
        put(folder / "classmate" / A / f"{A}.ipynb", HONEST)
        students["classmate"] = ("honest",)
    for k, item in enumerate(items):
        student = f"s{k}"
        if item[0] == "stray":
            name = os.fsdecode(b"stray-" + item[1].replace(b"/", b"_").replace(b"\0", b"_"))
            put(folder / name, b"%PDF-1.4 not a notebook")
            students.setdefault("strays", set()).add(name)
            continue
        rel = where(item[1], student)
        target = folder / rel
        students[student] = item
        if item[0] in ("link-classmate", "link-source", "link-folder"):
            # the <student>/<assignment>/ folder is the link (for the flat layout, the student folder)
            dest = {
                "link-classmate": folder / "classmate" / A,
                "link-source": course / "source" / A,
                "link-folder": folder / "classmate",
            }[item[0]]
            if item[1] == "flat" or item[0] == "link-folder":
                os.symlink(dest if item[0] == "link-folder" else dest.parent, folder / student)
            else:
                (folder / student).mkdir()
                os.symlink(dest, folder / student / A)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if item[0] == "nb":
            put(target, notebook_bytes(item[2], item[3]))
        elif item[0] == "fifo":
            os.mkfifo(target)
        elif item[0] == "hardlink":
            os.link(base / "outside" / f"{A}.ipynb", target)
        elif item[0] == "link-notebook":
            os.symlink(folder / "honest" / f"{A}.ipynb", target)
        elif item[0] == "link-outside":
            os.symlink(base / "outside" / f"{A}.ipynb", target)
        elif item[0] == "dangling":
            os.symlink(base / "nowhere.ipynb", target)
    if packaging == "folder":
        return folder, students
    # a zip holds no pipes, and a hard-linked file is zipped as an ordinary copy
    students = {
        k: (("zipped",) + v if v[0] in ("fifo", "hardlink") else v)
        for k, v in students.items()
        if k != "strays" and v[0] != "fifo"
    }
    archive = base / "class.zip"
    prefix = "lms-export/" if packaging == "lms" else ""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            rel = prefix + os.fsencode(path.relative_to(folder)).decode("utf-8", "surrogateescape")
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                info = zipfile.ZipInfo(rel)
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                zf.writestr(info, os.readlink(path))
            elif stat.S_ISREG(mode):
                try:
                    zf.writestr(rel, path.read_bytes())
                except UnicodeEncodeError:  # a name that is not UTF-8 cannot be stored as such
                    zf.writestr(rel.encode("utf-8", "surrogateescape").decode("cp437"), path.read_bytes())
        if packaging == "lms":
            zf.writestr(prefix + "instructions.pdf", b"%PDF-1.4")
        for k, d in enumerate(zdamage):
            name = f"{prefix}z{k}/{A}.ipynb"
            if d == "conflict":
                zf.writestr(f"{prefix}z{k}", b"a file where a folder goes")
                zf.writestr(name, HONEST)
            elif d in ("crc", "encrypted"):
                zf.writestr(name, HONEST, compress_type=zipfile.ZIP_STORED)
            elif d == "utf8-flag":  # its "u" becomes a byte that is not UTF-8, below
                zf.writestr(f"{prefix}z{k}-u/{A}.ipynb", HONEST)
            elif d == "bomb":
                zf.writestr(name, b" " * (3 * 1024**2))
            elif d == "escape":
                zf.writestr(f"../z{k}_{A}.ipynb", HONEST)
            elif d == "absolute":
                zf.writestr(f"/tmp/z{k}_{A}.ipynb", HONEST)
            elif d == "symlink":
                info = zipfile.ZipInfo(name)
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                zf.writestr(info, str(course / "source" / A / f"{A}.ipynb"))
            students[f"z{k}"] = ("zip", d)
    data = bytearray(archive.read_bytes())
    for k, d in enumerate(zdamage):
        name = (f"{prefix}z{k}-u/{A}.ipynb" if d == "utf8-flag" else f"{prefix}z{k}/{A}.ipynb").encode()
        if d == "crc":
            at = data.find(name) + len(name) + 200  # inside the stored notebook's bytes
            data[at] ^= 0x20
        elif d in ("encrypted", "utf8-flag"):
            for sig, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
                i = data.find(sig)
                while i >= 0:
                    if data[i + name_at : i + name_at + len(name)] == name:
                        if d == "encrypted":
                            data[i + flag_at] |= 0x01
                        else:  # flag the names UTF-8, then break one
                            data[i + flag_at + 1] |= 0x08
                            data[i + name_at + len(f"{prefix}z{k}-")] = 0xFF
                    i = data.find(sig, i + 4)
    archive.write_bytes(bytes(data))
    return archive, students


# -- the properties ---------------------------------------------------------------------------------


def tree_hash(base: Path, course: Path) -> dict:
    """Every file and link under `base` (the course, the class, beside them) except the run's
    own output folders."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(base):
        here = Path(dirpath)
        if here == course:
            dirnames[:] = [d for d in dirnames if d not in RUN_FOLDERS]
            filenames = [f for f in filenames if f not in RUN_FOLDERS]
        for name in filenames + [d for d in dirnames if os.path.islink(here / d)]:
            path = here / name
            mode = os.lstat(path).st_mode
            out[str(path)] = (
                os.readlink(path)
                if stat.S_ISLNK(mode)
                else hashlib.sha256(path.read_bytes()).hexdigest()
                if stat.S_ISREG(mode)
                else stat.S_IFMT(mode)
            )
    return out


def clean_run_folders(course: Path) -> None:
    for name in RUN_FOLDERS:
        path = course / name
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)


def within(seconds: float, fn):
    """fn() in a thread: its value, or a failure if it does not return in time (a hang)."""
    box = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as err:  # reported in the test's thread
            box["error"] = err

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"the run did not finish within {seconds} s (a hang)"
    if "error" in box:
        raise box["error"]
    return box["value"]


def check_stage(run: Context, ready: list[str], students: dict) -> list[tuple[str, bytes]]:
    """The stage-level properties; returns the malformed notebooks that reached grading."""
    results = run.rows
    assert "honest" in ready and not results["honest"].flags, results.get("honest")
    rejected_names = " ".join(e for e, _ in run.rejected_files)
    for stray in students.pop("strays", ()):  # every stray file is reported by name
        assert shown(stray) in dict(run.rejected_files), (stray, run.rejected_files)
    staged = []
    for student, what in students.items():
        result = results.get(student)
        assert result is not None or student in rejected_names, f"{student} ({what}) is nowhere in the report"
        if result is None:
            continue
        assert not result.grader_error, f"{student} ({what}): {result.reason}"
        assert result.status in ("graded", "rejected", "missing", "failed"), result
        assert result.status == "graded" or result.reason, result
        if what[0] in LINKED or what[0] == "zip":
            assert student not in ready, f"{student} ({what}) was staged for grading: {result}"
        if student in ready:
            path = run.course / "staged" / student / A / f"{A}.ipynb"
            nb = nbformat.read(path, 4)
            nbformat.validate(nb)
            ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
            assert set(GRADED_IDS) <= set(ids), f"{student}: graded cells missing after repair"
            if what[0] == "nb":
                raw = notebook_bytes(what[2], what[3])
                if json.loads(raw) != HONEST_DICT:  # the honest notebook is graded anyway
                    staged.append((student, raw))
    report = (run.course / "reports" / A / "report.md").read_text(encoding="utf-8")
    assert all(f"| {s} |" in report for s in results)
    return staged


@pytest.fixture(scope="module")
def fuzz_course(tmp_path_factory):
    base = tmp_path_factory.mktemp("fuzz")
    return base, F.make_course(base / "course", [A])


# Each trigger of issue 15, written as the generator would write it
TRIGGERS = [
    ("folder", (("nb", "folder", (), ("none",)),), ()),  # list sources (as saved)
    ("folder", (("nb", "folder", (("minor", 0),), ("none",)),), ()),  # nbformat 4.0, no cell ids
    (
        "folder",
        (("nb", "folder", (("minor", 6), ("cell", 0, "cell_type", None)), ("none",)),),
        (),
    ),  # 4.6 schema allows any cell type
    (
        "folder",
        (("nb", "folder", (("cell", 2, "metadata", None), ("grade_id", 2, "x"), ("nbgrader", 2, None)), ("none",)),),
        (),
    ),  # a cell's metadata null, then edited
    ("folder", (("nb", "nested", (("nbgrader", 3, "solution"),), ("none",)),), ()),  # nbgrader metadata a string
    ("folder", (("nb", "flat", (("grade_id", 8, ["one_hot_visible"]),), ("none",)),), ()),  # grade_id a list
    ("folder", (("nb", "folder", (("deep", 5000),), ("none",)),), ()),  # RecursionError nesting
    ("zip", (), ("conflict",)),  # file/folder name clash
    ("zip", (), ("crc",)),  # bad CRC
    ("zip", (), ("encrypted",)),  # encrypted member
    ("folder", (("stray", b"caf\xe9.pdf"),), ()),  # name not UTF-8
    ("zip", (("stray", b"caf\xe9.pdf"),), ("utf8-flag",)),  # ... in a zip
    ("folder", (("fifo", "flat"),), ()),  # named pipe (hang)
    ("folder", (("fifo", "folder"),), ()),
    ("folder", (("link-classmate", "nested"),), ()),  # <student>/<ps>/ -> classmate
    ("folder", (("link-source", "nested"),), ()),  # <student>/<ps>/ -> source/
    ("folder", (("hardlink", "folder"), ("link-folder", "folder")), ()),
    ("lms", (), ()),  # LMS zip + stray file
]


def test_fuzz_a_class_around_one_honest_student(fuzz_course):
    base, course = fuzz_course
    pool: list[tuple[str, bytes]] = []
    deadline = [None]
    seen = set()
    kinds: Counter = Counter()

    @settings(
        max_examples=200, deadline=None, database=None, derandomize=False, suppress_health_check=list(HealthCheck)
    )
    @given(classes)
    def one_class(spec):
        if spec not in TRIGGERS:  # the explicit examples always run
            if deadline[0] is None:
                deadline[0] = time.monotonic() + FUZZ_SECONDS
            elif time.monotonic() > deadline[0]:
                return
        where_ = base / f"class-{len(seen)}"
        kinds.update(item[0] for item in spec[1])
        kinds.update(f"{spec[0]}:{d}" for d in spec[2] if spec[0] != "folder")
        seen.add(len(seen))
        where_.mkdir()
        try:
            submissions, students = build_class(spec, where_, course)
            before = tree_hash(base, course)
            run, ready = within(60, lambda: staged(A, submissions, course, RELEASE))
            scoring.write_reports(run)
            for name in RUN_FOLDERS - {"staged", "reports"}:
                assert not (course / name).exists() or name == "grading-runs", name
            for student, raw in check_stage(run, ready, students):
                if spec not in TRIGGERS and len(pool) < GRADE_RANDOM:
                    pool.append((student, raw))
            shutil.rmtree(run.work, ignore_errors=True)
            after = tree_hash(base, course)
            assert after == before, sorted(set(after.items()) ^ set(before.items()))[:5]
        except BaseException:
            deadline[0] = float("inf")  # Hypothesis replays a failure to report it: let the replay run
            raise
        finally:
            clean_run_folders(course)
            shutil.rmtree(where_, ignore_errors=True)

    for trigger in reversed(TRIGGERS):
        one_class = example(trigger)(one_class)
    started = time.monotonic()
    one_class()
    seconds = time.monotonic() - started
    # the explicit examples run first, so their notebooks head the pool
    # the triggers that reach grading (4.0 without ids, string metadata, list grade_id), in one
    # notebook, and the first generated notebook that reached grading
    combined = notebook_bytes(sum((t[1][0][2] for t in TRIGGERS[1:4]), ()), ("none",))
    note = f"{len(seen)} classes ({len(seen) - len(TRIGGERS)} generated), entries: {dict(sorted(kinds.items()))}"
    graded_batch(base, course, [("triggers", combined)] + pool, seconds, note)


def graded_batch(base: Path, course: Path, extra: list[tuple[str, bytes]], stage_seconds: float, note: str) -> None:
    folder = base / "graded-class"
    put(folder / "honest" / f"{A}.ipynb", HONEST)
    for k, (_, raw) in enumerate(extra):
        put(folder / f"malformed-{k}" / f"{A}.ipynb", raw)
    before = tree_hash(base, course)
    started = time.monotonic()
    options = Options(jobs=JOBS, cell_timeout=30, submission_timeout=300)
    results = grade_class(A, folder, course=course, options=options, log=lambda *a: None).rows
    assert tree_hash(base, course) == before
    honest = results["honest"]
    assert honest.status == "graded" and honest.score == FULL and not honest.flags, honest
    assert not set(auto_test_ids(SOURCE)) & set(honest.failed_tests)
    for k in range(len(extra)):
        r = results[f"malformed-{k}"]
        assert r.status in ("graded", "rejected", "failed") and not r.grader_error, r
        assert r.status == "graded" or r.reason, r
    report = (course / "reports" / A / "report.md").read_text(encoding="utf-8")
    assert all(f"| {s} |" in report for s in results)
    keep = Path(__file__).resolve().parents[3] / "test-artifacts" / "grading"
    keep.mkdir(parents=True, exist_ok=True)
    with open(keep / "fuzz.log", "w") as log:
        print(
            f"stage-level classes: {stage_seconds:.1f} s; graded batch of {len(results)} in "
            f"{time.monotonic() - started:.1f} s\n{note}",
            file=log,
        )
        for r in sorted(results.values(), key=lambda r: r.student):
            print(f"{r.student}: {r.status} {r.score:g}/{r.max_score:g} {r.reason} {r.flags}", file=log)
