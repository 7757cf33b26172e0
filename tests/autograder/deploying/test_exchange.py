"""nbgrader's file-system exchange: a submission folder forged in another student's name.

Any student may create folders in the exchange's inbound/ (it is 0733 so everyone can submit),
and `nbgrader collect` reads the student id and the timestamp from the folder's name. Stock
nbgrader warns when the folder's Unix owner differs and collects it anyway; the course's
autograder.deploying.exchange.OwnerCheckedCollect (selected in nbgrader_config.py) refuses it. The same
forgery by a real user on a real hub is in tests/autograder/deploying/test_hub.py.
"""

import contextlib
import glob
import logging
import os
import pwd
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import time
import types
from pathlib import Path

import pytest
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default.collect import ExchangeCollect
from traitlets.config import Config

from autograder.course.folder import REPO
from autograder.deploying.exchange import OwnerCheckedCollect, Refused, Walk

ASSIGNMENT = "ps03_lstm_gates"
COURSE = "rnn-deep-dive"


def submit(inbound: Path, student: str, timestamp: str, text: str, owner: int, tag: str) -> None:
    """A submission folder as nbgrader's submit makes it, owned by uid `owner`."""
    folder = inbound / f"{student}+{ASSIGNMENT}+{timestamp}+{tag}"
    folder.mkdir()
    (folder / f"{ASSIGNMENT}.ipynb").write_text(text)
    (folder / "timestamp.txt").write_text(timestamp)
    for p in (folder, *folder.iterdir()):
        os.chown(p, owner, owner)


@pytest.fixture(scope="module")
def gradebook(tmp_path_factory):
    """An empty gradebook, made once."""
    import nbgrader.api

    path = tmp_path_factory.mktemp("gradebook") / "gradebook.db"
    nbgrader.api.Gradebook(f"sqlite:///{path}", COURSE).close()
    return path


@pytest.fixture
def exchange(tmp_path, gradebook):
    (tmp_path / "course").mkdir()
    shutil.copy(gradebook, tmp_path / "course" / "gradebook.db")
    if os.geteuid() != 0:
        pytest.skip("making folders owned by another user needs root")
    student = pwd.getpwuid(65534).pw_name  # 'nobody' plays the student
    intruder = 1  # 'daemon' plays another student
    inbound = tmp_path / "exchange" / COURSE / "inbound"
    inbound.mkdir(parents=True)
    submit(inbound, student, "2026-11-20 10:00:00.000000 UTC", "genuine", 65534, "aaaa")
    submit(inbound, student, "2099-01-01 00:00:00.000000 UTC", "forged", intruder, "bbbb")
    submit(inbound, "nosuchstudent", "2026-11-20 11:00:00.000000 UTC", "forged too", intruder, "cccc")
    # a real submission folder (0777, as nbgrader submit leaves it) whose notebook someone replaced
    submit(inbound, "daemon", "2026-11-20 12:00:00.000000 UTC", "replaced", intruder, "dddd")
    os.chown(next(inbound.glob("daemon+*")) / f"{ASSIGNMENT}.ipynb", 65534, 65534)
    return tmp_path, student


def collect(root: Path, cls, caplog, update: bool = False, **settings) -> dict:
    cfg = Config()
    for name, value in settings.items():  # CourseDirectory's, e.g. max_file_size
        setattr(cfg.CourseDirectory, name, value)
    cfg.CourseDirectory.root = str(root / "course")
    cfg.CourseDirectory.course_id = COURSE
    cfg.CourseDirectory.assignment_id = ASSIGNMENT
    cfg.Exchange.root = str(root / "exchange")
    coursedir = CourseDirectory(config=cfg)
    collector = cls(coursedir=coursedir, authenticator=Authenticator(config=cfg), config=cfg)
    collector.update = update  # nbgrader collect --update
    collector.log = logging.getLogger("collect-test")
    with caplog.at_level(logging.INFO, logger="collect-test"):
        collector.start()
    submitted = root / "course" / "submitted"
    return {p.parent.parent.name: p.read_text() for p in submitted.glob(f"*/{ASSIGNMENT}/{ASSIGNMENT}.ipynb")}


def test_stock_collect_takes_a_forged_submission(exchange, caplog):
    root, student = exchange
    got = collect(root, ExchangeCollect, caplog)
    assert got[student] == "forged"  # the newer (forged) folder replaced the real one
    assert got["nosuchstudent"] == "forged too"
    assert got["daemon"] == "replaced"
    assert "cheating attempt" in caplog.text  # ... with only a warning


def test_owner_checked_collect_refuses_it(exchange, caplog):
    root, student = exchange
    got = collect(root, OwnerCheckedCollect, caplog)
    assert got == {student: "genuine"}
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors[-1].startswith("3 submission folder(s) not collected, each for the reason above: "), errors
    errors = errors[:-1]
    assert len(errors) == 3, errors
    assert sum(bool(re.search(r"Not collected: .* belongs to daemon$", e)) for e in errors) == 2, errors
    assert any(re.search(r"Not collected: daemon\+.* belongs to nobody$", e) for e in errors), errors


def test_the_course_config_selects_it():
    text = (REPO / "nbgrader_config.py").read_text()
    assert re.search(
        r'^c\.ExchangeFactory\.collect = "autograder\.deploying\.exchange\.OwnerCheckedCollect"$', text, re.M
    )


def test_collect_follows_no_link_and_dates_by_the_file_system(tmp_path, gradebook, caplog):
    """A student's submission holding a link to the instructor's source/ and to a file of theirs,
    and claiming (folder name and timestamp.txt) to be from 2001. Collect, run as the instructor,
    copies neither link nor what it points to, and records the time the exchange saw the folder
    change. (Before: copytree followed the folder link and copied the instructor's notebooks into
    the submission; the student's 2001 stood as the submission time, so no due date made it late.)"""
    if os.geteuid() != 0:
        pytest.skip("making folders owned by another user needs root")
    (tmp_path / "course").mkdir()
    shutil.copy(gradebook, tmp_path / "course" / "gradebook.db")
    private = tmp_path / "course" / "source" / ASSIGNMENT
    private.mkdir(parents=True)
    (private / f"{ASSIGNMENT}.ipynb").write_text("THE INSTRUCTOR'S SOLUTIONS")
    inbound = tmp_path / "exchange" / COURSE / "inbound"
    inbound.mkdir(parents=True)
    student = pwd.getpwuid(65534).pw_name
    claimed = "2001-01-01 00:00:00.000000 UTC"
    submit(inbound, student, claimed, "my answers", 65534, "aaaa")
    folder = next(inbound.glob(f"{student}+*"))
    (folder / "source").symlink_to(private.parent)
    (folder / "answers.ipynb").symlink_to(private / f"{ASSIGNMENT}.ipynb")
    for link in ("source", "answers.ipynb"):
        os.lchown(folder / link, 65534, 65534)

    got = collect(tmp_path, OwnerCheckedCollect, caplog)
    assert got == {student: "my answers"}
    dest = tmp_path / "course" / "submitted" / student / ASSIGNMENT
    copied = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*"))
    assert copied == [f"{ASSIGNMENT}.ipynb", "timestamp.txt"], copied
    assert not any("SOLUTIONS" in p.read_text() for p in dest.rglob("*") if p.is_file())
    assert any("without its 2 symbolic link(s)" in r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)
    import datetime

    from nbgrader.utils import parse_utc

    stamp = parse_utc((dest / "timestamp.txt").read_text())
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    assert abs((now - stamp).total_seconds()) < 120, stamp  # the exchange's time, not 2001
    assert any("its name claims 2001" in r.getMessage() for r in caplog.records)


# -- issue 50: one student's folder, whatever it holds, never stops collect for the others --------
STUDENTS = {"bin": 2, "daemon": 1, "nobody": 65534}  # 'bin' hands in the hostile folder
INSTRUCTOR = 3  # 'sys' collects where root would read anything
DEPTH = 1200  # past Python's recursion limit (os.walk, copytree)


def _tree(top: str, contents: bool = True) -> dict:
    """Every entry under `top` (links not followed), with what a copy must not change: type,
    owner, mode, size, modification time and, for a small regular file, its bytes. Below 40
    folders deep (the collector stops at 17) nothing is looked at, and of a folder of more than
    10,000 entries only their names."""
    out, stack = {}, [(top, 0)]
    while stack:
        folder, depth = stack.pop()
        entries = list(os.scandir(folder))
        if len(entries) > 10_000:
            out[folder + "/<names>"] = sorted(e.name for e in entries)
            continue
        for entry in entries:
            st = entry.stat(follow_symlinks=False)
            small = contents and stat.S_ISREG(st.st_mode) and 0 < st.st_size < 4096 and st.st_mode & 0o444
            out[entry.path] = (
                st.st_mode,
                st.st_uid,
                st.st_size,
                st.st_mtime_ns,
                Path(entry.path).read_bytes() if small else None,
            )
            if stat.S_ISDIR(st.st_mode) and depth < 40:
                stack.append((entry.path, depth + 1))
    return out


@contextlib.contextmanager
def _as(uid: int):
    """Act as user `uid` (whose group has the same number) within the block; root again after."""
    os.setegid(uid)
    os.seteuid(uid)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


def _own(top: Path, uid: int) -> None:
    for path in _tree(str(top), contents=False):
        os.lchown(path, uid, uid)
    os.lchown(top, uid, uid)


def _hostile(kind_: str, folder: Path, course: Path) -> None:
    """Fill bin's submission folder (which already holds its notebook) with one class of trouble,
    as bin."""
    if kind_ == "links":
        (folder / "source").symlink_to(course / "source")
        (folder / "passwd.ipynb").symlink_to("/etc/passwd")
    elif kind_ == "link-loops":
        (folder / "self").symlink_to("self")
        (folder / "up").symlink_to("..")
        (folder / "a").symlink_to("b")
        (folder / "b").symlink_to("a")
    elif kind_ in ("sparse-file", "huge-file"):
        with open(folder / "data.bin", "wb") as f:
            if kind_ == "sparse-file":
                os.truncate(f.fileno(), 2 * 1024**3)  # 2 GB apparent, no disk used
            else:
                f.write(os.urandom(1_500_000))  # over the 1000 kB limit set below
    elif kind_ == "fifos-and-devices":
        os.mkfifo(folder / "answers.ipynb")
        with _as(0):  # a device is made by root, given to bin
            os.mknod(folder / "zero", stat.S_IFCHR | 0o666, os.makedev(1, 5))  # reads forever
            os.chown(folder / "zero", STUDENTS["bin"], STUDENTS["bin"])
    elif kind_ == "odd-names":
        for name in (b"a\nNot collected: nobody+forged", b"\xff\xfe not UTF-8.ipynb", b"n" * 255):
            (folder / os.fsdecode(name)).write_bytes(b"odd " + name)
        os.symlink("/etc/passwd", os.fsencode(folder) + b"/link\nNot collected: \xff")
        os.mkdir(folder.parent / f"bin+{ASSIGNMENT}+not a time at all+eeee")  # a name nbgrader cannot read
    elif kind_ == "deep-nesting":
        path = str(folder)
        for _ in range(DEPTH):  # os.makedirs recurses too deep for it
            path += "/d"
            os.mkdir(path)
    elif kind_ == "100000-files":
        os.mkdir(folder / "many")
        fd = os.open(folder / "many", os.O_RDONLY)
        try:
            for k in range(100_000):
                os.close(os.open(str(k), os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd))
        finally:
            os.close(fd)
    elif kind_ == "unreadable-file":
        (folder / "secret.txt").write_text("not even the instructor")
        os.chmod(folder / "secret.txt", 0)
    elif kind_ == "unreadable-folder":
        os.mkdir(folder / "closed")
        os.chmod(folder / "closed", 0)


# what collect must do with bin's folder: collect it with these files, or refuse it for this reason
HOSTILE = {
    "links": ([f"{ASSIGNMENT}.ipynb", "timestamp.txt"], "without its 2 symbolic link(s)"),
    "link-loops": ([f"{ASSIGNMENT}.ipynb", "timestamp.txt"], "without its 4 symbolic link(s)"),
    "sparse-file": (None, "its files hold 2.1 GB (the largest, data.bin, 2.1 GB, by apparent size)"),
    "huge-file": (
        [f"{ASSIGNMENT}.ipynb", "timestamp.txt"],
        "without 1 file(s) over 1.0 MB (CourseDirectory.max_file_size): data.bin (1.5 MB)",
    ),
    "fifos-and-devices": (
        [f"{ASSIGNMENT}.ipynb", "timestamp.txt"],
        "without 2 named pipe(s), socket(s) or "
        "device(s), which were not read: answers.ipynb (a named pipe), zero (a character device)",
    ),
    "odd-names": (
        [
            os.fsdecode(b"\xff\xfe not UTF-8.ipynb"),
            "a\nNot collected: nobody+forged",
            "n" * 255,
            f"{ASSIGNMENT}.ipynb",
            "timestamp.txt",
        ],
        "its name cannot be read",
    ),
    "deep-nesting": (None, "its folders are nested more than 16 deep"),
    "100000-files": (None, "it holds more than 2000 files and folders"),
    "unreadable-file": (None, "secret.txt cannot be read by the collecting user"),
    "unreadable-folder": (None, "closed could not be read (Permission denied)"),
}


@pytest.fixture
def hostile_exchange(request, gradebook):
    """An exchange and a course on a memory file system (100,000 files are made and removed there
    in about 2 s), readable by the instructor 'sys' too, removed afterwards whatever it holds."""
    if os.geteuid() != 0:
        pytest.skip("making folders owned by other users needs root")
    base = tempfile.mkdtemp(dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    os.chmod(base, 0o755)
    request.addfinalizer(lambda: subprocess.run(["rm", "-rf", "--one-file-system", base], check=True))
    root = Path(base)
    (root / "course").mkdir()
    shutil.copy(gradebook, root / "course" / "gradebook.db")
    shutil.copytree(REPO / "source" / ASSIGNMENT, root / "course" / "source" / ASSIGNMENT)
    inbound = root / "exchange" / COURSE / "inbound"
    inbound.mkdir(parents=True)
    os.chmod(inbound, 0o733)
    return root, inbound


@pytest.mark.parametrize("kind_", list(HOSTILE))
def test_one_hostile_folder_never_stops_collect_for_the_others(hostile_exchange, caplog, monkeypatch, kind_):
    """Three students; bin's folder comes first (nbgrader lists inbound/ in the directory's own
    order: sorted here so that it does) and holds one class of trouble. Bin's folder is collected
    without what is not its own regular file, or refused with the reason; daemon and nobody are
    collected either way, within seconds, and nothing in the exchange changes."""
    import nbgrader.exchange.default.collect as stock

    root, inbound = hostile_exchange
    monkeypatch.setattr(stock, "glob", types.SimpleNamespace(glob=lambda pattern: sorted(glob.glob(pattern))))
    for student, uid in STUDENTS.items():
        submit(inbound, student, "2026-11-20 10:00:00.000000 UTC", f"{student}'s answers", uid, "aaaa")
    folder = next(inbound.glob("bin+*"))
    with _as(STUDENTS["bin"]):
        _hostile(kind_, folder, root / "course")
    settings = {"max_file_size": 1000} if kind_ == "huge-file" else {}
    as_instructor = kind_.startswith("unreadable")  # root reads anything: collect as an ordinary user
    if as_instructor:  # who owns the course and the exchange's course folder
        _own(root / "course", INSTRUCTOR)
        for path in (inbound.parent, inbound):
            os.chown(path, INSTRUCTOR, INSTRUCTOR)
    before = _tree(str(root / "exchange"))
    start = time.monotonic()
    alarm = signal.signal(signal.SIGALRM, _hung)
    signal.alarm(60)
    try:
        with _as(INSTRUCTOR) if as_instructor else contextlib.nullcontext():
            got = collect(root, OwnerCheckedCollect, caplog, **settings)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, alarm)
    seconds = time.monotonic() - start
    files, why = HOSTILE[kind_]
    errors = "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)
    assert seconds < 10, seconds
    assert got.get("daemon") == "daemon's answers" and got.get("nobody") == "nobody's answers", (got, errors)
    assert why in errors, errors
    dest = root / "course" / "submitted" / "bin" / ASSIGNMENT
    if files is None:
        assert "bin" not in got and not dest.exists()
        assert re.search(r"^1 submission folder\(s\) not collected", errors, re.M), errors
    else:
        assert got["bin"] == "bin's answers"
        assert sorted(p.name for p in dest.iterdir()) == sorted(files)
        for path in dest.iterdir():
            st = path.lstat()
            assert stat.S_ISREG(st.st_mode) and st.st_nlink == 1, path
    assert not [r.getMessage() for r in caplog.records if "\n" in r.getMessage()]  # one line each
    if kind_ == "odd-names":
        assert "which were not followed: link\\nNot collected: \ufffd" in errors, errors
    assert not list((root / "course" / "submitted").glob("*/.collecting-*"))
    assert _tree(str(root / "exchange")) == before


def _hung(signum, frame):
    raise TimeoutError("collect hung")


def test_a_refused_folder_leaves_the_students_earlier_one(hostile_exchange, caplog, monkeypatch):
    """Bin's newer folder holds a sparse 2 GB file: it is refused, and bin's earlier submission is
    collected instead. Collected again with --update after bin submits a newer good folder, a copy
    that fails half-way leaves the copy collected before in place."""
    root, inbound = hostile_exchange
    submit(inbound, "bin", "2026-11-20 10:00:00.000000 UTC", "first", 2, "aaaa")
    time.sleep(0.01)  # the exchange dates folders by their ctime
    submit(inbound, "bin", "2026-11-20 11:00:00.000000 UTC", "second", 2, "bbbb")
    second = next(inbound.glob("bin+*bbbb"))
    with _as(2):
        with open(second / "data.bin", "wb") as f:
            os.truncate(f.fileno(), 2 * 1024**3)
    assert collect(root, OwnerCheckedCollect, caplog) == {"bin": "first"}
    assert "Not collected: bin+" in caplog.text and "+bbbb (student bin): its files hold 2.1 GB" in caplog.text

    time.sleep(0.01)
    submit(inbound, "bin", "2026-11-20 12:00:00.000000 UTC", "third", 2, "cccc")

    def fails(self, src, out, sub):
        raise Refused(f"{sub}: the disk is full")

    monkeypatch.setattr(Walk, "_copy", fails)
    assert collect(root, OwnerCheckedCollect, caplog, update=True) == {"bin": "first"}
    assert "+cccc (student bin): ps03_lstm_gates.ipynb: the disk is full" in caplog.text
    assert sorted(p.name for p in (root / "course" / "submitted" / "bin").iterdir()) == [ASSIGNMENT]
