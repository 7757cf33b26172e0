"""nbgrader's file-system exchange: a submission folder forged in another student's name.

Any student may create folders in the exchange's inbound/ (it is 0733 so everyone can submit),
and `nbgrader collect` reads the student id and the timestamp from the folder's name. Stock
nbgrader warns when the folder's Unix owner differs and collects it anyway; the course's
autograder.exchange.OwnerCheckedCollect (selected in nbgrader_config.py) refuses it. The same
forgery by a real user on a real hub is in tests/test_hub.py.
"""
import logging
import os
import pwd
import re
import shutil
from pathlib import Path

import pytest
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default.collect import ExchangeCollect
from traitlets.config import Config

from autograder.course import REPO
from autograder.exchange import OwnerCheckedCollect

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
    """An empty gradebook, made once, stamped as the grading worker stamps one (nbgrader would
    run `alembic` in a subprocess for it: seconds)."""
    import nbgrader.api
    from autograder.worker import alembic_head
    path = tmp_path_factory.mktemp("gradebook") / "gradebook.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(nbgrader.api, "get_alembic_version", alembic_head)
        nbgrader.api.Gradebook(f"sqlite:///{path}", COURSE).close()
    return path


@pytest.fixture
def exchange(tmp_path, gradebook):
    (tmp_path / "course").mkdir()
    shutil.copy(gradebook, tmp_path / "course" / "gradebook.db")
    if os.geteuid() != 0:
        pytest.skip("making folders owned by another user needs root")
    student = pwd.getpwuid(65534).pw_name          # 'nobody' plays the student
    intruder = 1                                    # 'daemon' plays another student
    inbound = tmp_path / "exchange" / COURSE / "inbound"
    inbound.mkdir(parents=True)
    submit(inbound, student, "2026-11-20 10:00:00.000000 UTC", "genuine", 65534, "aaaa")
    submit(inbound, student, "2099-01-01 00:00:00.000000 UTC", "forged", intruder, "bbbb")
    submit(inbound, "nosuchstudent", "2026-11-20 11:00:00.000000 UTC", "forged too", intruder, "cccc")
    # a real submission folder (0777, as nbgrader submit leaves it) whose notebook someone replaced
    submit(inbound, "daemon", "2026-11-20 12:00:00.000000 UTC", "replaced", intruder, "dddd")
    os.chown(next(inbound.glob("daemon+*")) / f"{ASSIGNMENT}.ipynb", 65534, 65534)
    return tmp_path, student


def collect(root: Path, cls, caplog) -> dict:
    cfg = Config()
    cfg.CourseDirectory.root = str(root / "course")
    cfg.CourseDirectory.course_id = COURSE
    cfg.CourseDirectory.assignment_id = ASSIGNMENT
    cfg.Exchange.root = str(root / "exchange")
    coursedir = CourseDirectory(config=cfg)
    collector = cls(coursedir=coursedir, authenticator=Authenticator(config=cfg), config=cfg)
    collector.log = logging.getLogger("collect-test")
    with caplog.at_level(logging.INFO, logger="collect-test"):
        collector.start()
    submitted = root / "course" / "submitted"
    return {p.parent.parent.name: p.read_text() for p in submitted.glob(f"*/{ASSIGNMENT}/{ASSIGNMENT}.ipynb")}


def test_stock_collect_takes_a_forged_submission(exchange, caplog):
    root, student = exchange
    got = collect(root, ExchangeCollect, caplog)
    assert got[student] == "forged"                 # the newer (forged) folder replaced the real one
    assert got["nosuchstudent"] == "forged too"
    assert got["daemon"] == "replaced"
    assert "cheating attempt" in caplog.text        # ... with only a warning


def test_owner_checked_collect_refuses_it(exchange, caplog):
    root, student = exchange
    got = collect(root, OwnerCheckedCollect, caplog)
    assert got == {student: "genuine"}
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 3, errors
    assert sum(bool(re.search(r"Not collected: .* belongs to daemon$", e)) for e in errors) == 2, errors
    assert any(re.search(r"Not collected: daemon\+.* belongs to nobody$", e) for e in errors), errors


def test_the_course_config_selects_it():
    text = (REPO / "nbgrader_config.py").read_text()
    assert re.search(r'^c\.ExchangeFactory\.collect = "autograder\.exchange\.OwnerCheckedCollect"$', text, re.M)


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
    from nbgrader.utils import parse_utc
    import datetime
    stamp = parse_utc((dest / "timestamp.txt").read_text())
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    assert abs((now - stamp).total_seconds()) < 120, stamp            # the exchange's time, not 2001
    assert any("its name claims 2001" in r.getMessage() for r in caplog.records)
