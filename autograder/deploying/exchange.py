"""nbgrader's file-system exchange, collected one student at a time and without trusting a folder.

The course's nbgrader_config.py selects `OwnerCheckedCollect` (c.ExchangeFactory.collect). Each
inbound folder is read on its own through file descriptors, following nothing, and either collected
whole (the student's own regular files only, the copy put in place once complete) or refused with
its reason logged; it is dated by the latest ctime in it, not by what its name or timestamp.txt
claims. What it refuses, and why stock collect cannot be trusted: docs/grading.md ("Collect
refuses one folder, not the class") and docs/hub.md ("Closing it").
"""

from __future__ import annotations

import contextlib
import datetime
import fnmatch
import os
import pwd
import shutil
import stat
import tempfile
from dataclasses import dataclass, field

from nbgrader.exchange.default.collect import ExchangeCollect

from ..course.submission_names import kind, shown

REFUSED = "\0refused"  # no real student id holds a NUL: refused records group apart
MAX_ENTRIES = 2_000  # files and folders in one submission (a problem set hands in a few)
MAX_DEPTH = 16  # folders inside one another in one submission
CHUNK = 1024**2
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f UTC"  # as nbgrader submit writes it


class Refused(Exception):
    """Why a submission folder is not collected, in words for the instructor."""


def printable(name: str, limit: int = 120) -> str:
    """A name as one line of a log: bytes that are not UTF-8 as U+FFFD, control characters (a
    newline) escaped, cut at `limit` characters."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in shown(name))
    return text if len(text) <= limit else text[:limit] + "..."


def user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


@dataclass
class Survey:
    """What one submission folder holds, seen without following anything."""

    owners: set = field(default_factory=set)  # user names of the folder and everything in it
    latest_change: float = 0.0  # the latest ctime among them
    size: int = 0  # apparent bytes of the files nbgrader's rules keep
    largest: tuple = ("", 0)  # (path, bytes) of the largest of those
    entries: int = 0
    links: list = field(default_factory=list)  # paths of symbolic links
    special: list = field(default_factory=list)  # (path, what it is) of pipes, sockets, devices
    too_large: list = field(default_factory=list)  # (path, bytes) over max_file_size


class Walk:
    """One pass over a submission folder through file descriptors, following no link. It
    surveys the folder; given the descriptor of an empty folder it copies it there as it goes,
    checking every file again as it opens it (the student may change the folder meanwhile)."""

    def __init__(self, coursedir, student: str | None = None, groupshared: bool = False):
        self.exclude, self.include = coursedir.ignore or [], coursedir.include or []
        # as in nbgrader, a max_file_size of 0 is no limit, and a max_dir_size of 0 refuses any file
        self.max_file = 1000 * coursedir.max_file_size if coursedir.max_file_size else float("inf")
        self.max_dir = 1000 * coursedir.max_dir_size
        self.student = student
        self.file_mode, self.dir_mode = (0o664, 0o2775) if groupshared else (0o644, 0o755)
        self.survey = Survey()
        self.copied = 0
        self.at = ""

    def run(self, path: str, dest: int | None = None) -> Survey:
        try:
            top = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError as err:
            raise Refused(f"it is not a folder that can be read ({err.strerror})")
        try:
            self._saw(os.fstat(top))
            self._folder(top, "", 0, dest)
        except OSError as err:
            raise Refused(
                f"{printable(self.at) or 'the folder'} could not be "
                f"{'read' if dest is None else 'read or copied'} ({err.strerror})"
            )
        finally:
            os.close(top)
        return self.survey

    def _saw(self, st: os.stat_result) -> None:
        self.survey.owners.add(user_name(st.st_uid))
        self.survey.latest_change = max(self.survey.latest_change, st.st_ctime)
        self.survey.entries += 1
        if self.survey.entries > MAX_ENTRIES:
            raise Refused(f"it holds more than {MAX_ENTRIES} files and folders")

    def _excluded(self, name: str) -> bool:
        return any(fnmatch.fnmatch(name, glob) for glob in self.exclude)

    def _folder(self, fd: int, rel: str, depth: int, dest: int | None) -> None:
        with os.scandir(fd) as listing:
            names = []
            for entry in listing:
                names.append(entry.name)
                if len(names) > MAX_ENTRIES:
                    raise Refused(f"it holds more than {MAX_ENTRIES} files and folders")
        for name in sorted(names):
            self.at = sub = f"{rel}/{name}" if rel else name
            st = os.stat(name, dir_fd=fd, follow_symlinks=False)
            self._saw(st)
            if sub == "timestamp.txt":  # the student's own claim: the collector writes its own
                continue
            if stat.S_ISLNK(st.st_mode):
                self.survey.links.append(sub)
            elif stat.S_ISDIR(st.st_mode):
                if not self._excluded(name):
                    self._subfolder(fd, name, sub, depth + 1, dest)
            elif stat.S_ISREG(st.st_mode):
                self._file(fd, name, sub, st, dest)
            else:
                self.survey.special.append((sub, kind(st.st_mode) or "not a regular file"))

    def _subfolder(self, fd: int, name: str, sub: str, depth: int, dest: int | None) -> None:
        if depth > MAX_DEPTH:
            raise Refused(f"its folders are nested more than {MAX_DEPTH} deep ({printable(sub)})")
        with _opened(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_NONBLOCK, fd) as child:
            if dest is None:
                return self._folder(child, sub, depth, None)
            os.mkdir(name, 0o700, dir_fd=dest)
            with _opened(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dest) as copy:
                self._folder(child, sub, depth, copy)
                os.fchmod(copy, self.dir_mode)

    def _file(self, fd: int, name: str, sub: str, st: os.stat_result, dest: int | None) -> None:
        if self._excluded(name) or (self.include and not any(fnmatch.fnmatch(name, g) for g in self.include)):
            return
        self.survey.size += st.st_size
        if st.st_size > self.survey.largest[1]:
            self.survey.largest = (sub, st.st_size)
        if st.st_size > self.max_file:
            self.survey.too_large.append((sub, st.st_size))
            return
        if not os.access(name, os.R_OK, dir_fd=fd, effective_ids=True, follow_symlinks=False):
            raise Refused(f"{printable(sub)} cannot be read by the collecting user")
        if dest is None:
            return
        with _opened(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, fd) as src:
            now = os.fstat(src)
            if not stat.S_ISREG(now.st_mode) or user_name(now.st_uid) != self.student:
                raise Refused(f"{printable(sub)} changed while it was collected")
            with _opened(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, dest, 0o600) as out:
                self._copy(src, out, sub)
                os.fchmod(out, self.file_mode)
                os.utime(out, ns=(now.st_atime_ns, now.st_mtime_ns))

    def _copy(self, src: int, out: int, sub: str) -> None:
        written = 0
        while chunk := os.read(src, CHUNK):
            written += len(chunk)
            self.copied += len(chunk)
            if written > self.max_file or self.copied > self.max_dir:
                raise Refused(f"{printable(sub)} grew past the size limit while it was collected")
            while chunk:
                chunk = chunk[os.write(out, chunk) :]


@contextlib.contextmanager
def _opened(name: str, flags: int, dir_fd: int | None = None, mode: int = 0o777):
    fd = os.open(name, flags, mode, dir_fd=dir_fd)
    try:
        yield fd
    finally:
        os.close(fd)


def _when(seconds: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).replace(tzinfo=None)


class OwnerCheckedCollect(ExchangeCollect):
    """`nbgrader collect` that collects each submission folder whole or refuses it with a reason,
    and dates it by the file system."""

    def _path_to_record(self, path):
        name = os.path.basename(path)
        try:
            record = super()._path_to_record(path)
        except Exception as err:  # a name nbgrader cannot read (its timestamp, say)
            return self._refuse(
                {"username": name.split("+")[0], "filename": name, "timestamp": None},
                f"its name cannot be read as '<student>+<assignment>+<time>+...' ({err})",
            )
        claimed = record["timestamp"]
        try:
            survey = Walk(self.coursedir).run(path)
        except Refused as why:
            return self._refuse(record, str(why))
        except Exception as err:  # a fault of ours: this folder alone, said as such
            return self._refuse(
                record, f"grader error while looking at it ({type(err).__name__}: {printable(str(err), 200)})"
            )
        record["timestamp"] = _when(survey.latest_change)
        if claimed is not None and abs((record["timestamp"] - claimed.replace(tzinfo=None)).total_seconds()) > 300:
            self.log.warning(
                "%s: submitted at %s by the exchange's record; its name claims %s",
                printable(name),
                record["timestamp"],
                claimed,
            )
        # the folder is 0777 (nbgrader submit makes it so): anyone who learns its name may
        # replace a file in it, so every file must be the student's too (a link is judged by
        # its own owner, never by what it points to)
        if survey.owners != {record["username"]}:
            owner = ", ".join(sorted(survey.owners - {record["username"]}))
            return self._refuse(
                record, f"names student {printable(record['username'])} but belongs to {owner}", owner=owner
            )
        if survey.size > 1000 * self.coursedir.max_dir_size:
            path_, size = survey.largest
            return self._refuse(
                record,
                f"its files hold {size_in_words(survey.size)} (the largest, "
                f"{printable(path_)}, {size_in_words(size)}, by apparent size); the limit is "
                f"{size_in_words(1000 * self.coursedir.max_dir_size)} (CourseDirectory.max_dir_size)",
            )
        return record

    def _refuse(self, record: dict, why: str, **extra) -> dict:
        """Log why a folder is not collected, and set its record apart from every student's."""
        if "belongs to" in why:
            self.log.error("Not collected: %s %s", printable(record["filename"]), why)
        else:
            self.log.error(
                "Not collected: %s (student %s): %s", printable(record["filename"]), printable(record["username"]), why
            )
        return dict(
            record,
            username=REFUSED + record["filename"],
            claimed=record["username"],
            why=why,
            timestamp=record["timestamp"] or datetime.datetime.min,
            **extra,
        )

    def copy_files(self):
        refused = [r for r in self.src_records if r["username"].startswith(REFUSED)]
        self.src_records = sorted(
            (r for r in self.src_records if not r["username"].startswith(REFUSED)), key=lambda r: r["username"]
        )
        ids = (self.coursedir.assignment_id, self.coursedir.course_id)
        if not self.src_records:
            self.log.warning("No submissions of '%s' for course '%s' to collect", *ids)
        else:
            self.log.info("Processing %d submissions of '%s' for course '%s'", len(self.src_records), *ids)
        for record in list(self.src_records):
            try:
                self.collect_one(record)
            except Exception as err:  # whatever it was: this student alone
                why = str(err) if isinstance(err, Refused) else f"{type(err).__name__}: {printable(str(err), 200)}"
                self.log.error(
                    "Not collected: %s (student %s): %s",
                    printable(record["filename"]),
                    printable(record["username"]),
                    why,
                )
                refused.append(record)
        if refused:
            self.log.error(
                "%d submission folder(s) not collected, each for the reason above: %s",
                len(refused),
                ", ".join(printable(r["filename"], 60) for r in refused),
            )

    def collect_one(self, record: dict) -> None:
        """Collect one student's chosen submission, unless the copy already collected is as new
        (nbgrader's --update and --before-duedate rules)."""
        student, assignment = record["username"], self.coursedir.assignment_id
        dest = self.coursedir.format_path(self.coursedir.submitted_directory, student, assignment)
        if os.path.isdir(dest):
            existing = self.coursedir.get_existing_timestamp(dest)
            if not (
                (self.update and (existing is None or record["timestamp"] > existing))
                or (self.before_duedate and existing != record["timestamp"])
            ):
                self.log.info(
                    "%s: %s %s",
                    "No newer submission to collect"
                    if self.update
                    else "Submission already exists, use --update to update",
                    student,
                    assignment,
                )
                return
            self.log.info("Updating submission: %s %s", student, assignment)
        else:
            self.log.info("Collecting submission: %s %s", student, assignment)
        self.do_copy(os.path.join(self.inbound_path, record["filename"]), dest, student=student)

    def do_copy(self, src, dest, log=None, student=None):
        """Copy a submission folder into a new folder beside `dest`, then put it in `dest`'s place:
        only the student's own regular files, nothing followed. Raises Refused (nothing changed)
        when it cannot be copied whole."""
        student = student or os.path.basename(src).rsplit("+", 3)[0]
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        fresh = tempfile.mkdtemp(prefix=".collecting-", dir=os.path.dirname(dest))
        try:
            walk = Walk(self.coursedir, student, self.coursedir.groupshared)
            with _opened(fresh, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW) as into:
                survey = walk.run(src, into)
            if survey.owners != {student}:
                raise Refused(f"its owner changed while it was collected ({', '.join(sorted(survey.owners))})")
            with open(os.path.join(fresh, "timestamp.txt"), "x") as f:
                f.write(_when(survey.latest_change).strftime(TIMESTAMP_FORMAT))
            os.chmod(fresh, walk.dir_mode)
            self._report_left_out(os.path.basename(src), survey)
            if not os.path.lexists(dest):
                os.rename(fresh, dest)
                return
            old = tempfile.mkdtemp(prefix=".replaced-", dir=os.path.dirname(dest))
            os.rename(dest, os.path.join(old, "previous"))
            try:
                os.rename(fresh, dest)
            except BaseException:
                os.rename(os.path.join(old, "previous"), dest)  # the copy collected before stays
                raise
            shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            shutil.rmtree(fresh, ignore_errors=True)
            raise

    def _report_left_out(self, folder: str, survey: Survey) -> None:
        limit = size_in_words(1000 * self.coursedir.max_file_size)
        for left, what in (
            ([printable(p, 80) for p in survey.links], "its {} symbolic link(s), which were not followed"),
            (
                [f"{printable(p, 80)} ({thing})" for p, thing in survey.special],
                "{} named pipe(s), socket(s) or device(s), which were not read",
            ),
            (
                [f"{printable(p, 80)} ({size_in_words(n)})" for p, n in survey.too_large],
                f"{{}} file(s) over {limit} (CourseDirectory.max_file_size)",
            ),
        ):
            if left:
                self.log.error(
                    "Collected %s without %s: %s", printable(folder), what.format(len(left)), ", ".join(left[:10])
                )


def size_in_words(n: int) -> str:
    for unit, scale in (("GB", 1000**3), ("MB", 1000**2), ("kB", 1000)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"
