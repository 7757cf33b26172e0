"""nbgrader's file-system exchange, with the one check it only warns about made binding.

Stock `nbgrader collect` takes the student id from the name of each folder in the exchange's
inbound/ (`<student>+<assignment>+<timestamp>+<random>`), which any student can create (the
folder is 0733 so that everyone can submit). It warns when the folder's Unix owner is not that
student ("cheating attempt?") and collects it anyway, and it keeps the newest timestamp, which
the folder name also sets. So one student can replace another's submission. The course's
nbgrader_config.py selects this collector instead:

    c.ExchangeFactory.collect = "autograder.exchange.OwnerCheckedCollect"

It also takes nothing from the student on trust that the student could forge:

- **no links**: a symbolic link anywhere in a submission (to the instructor's `source/`, say)
  is not followed and not copied; the submission is collected without it, with an error in the
  log. Stock collect copies the folder with `shutil.copytree`, which copies what a link points
  to, with the instructor's rights;
- **the time of submission** is the exchange's own record: the latest change time (`ctime`,
  which only the kernel sets and no user can move back) of the folder and everything in it, not
  the time the folder's name or `timestamp.txt` claims (the student's `nbgrader submit` wrote
  both). It chooses each student's newest submission, and `timestamp.txt` in `submitted/` is
  written with it, so lateness is judged by it.

It refuses (and logs as an error) every inbound folder that is not, with every file in it,
owned by the student it names, before choosing each student's newest submission, so a forged
folder can neither replace nor hide a real one, and a file swapped into a real one is caught. It needs one Unix user per student, as on a hub with local users; on
Kubernetes every server runs as the same uid and an exchange service (ngshare) is the fix
(docs/hub.md).
"""
from __future__ import annotations

import datetime
import os
import pwd
import shutil
import stat

from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.exchange.default.exchange import ignore_patterns

FORGED = "\0forged"      # no real student id holds a NUL: forged records group apart


def owner_of(path: str) -> str:
    """The owner of `path` itself (of a link, the link's own owner)."""
    uid = os.lstat(path).st_uid
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def entries(path: str) -> list[str]:
    """The folder and everything below it, links included (not followed)."""
    out = [path]
    for folder, dirs, files in os.walk(path):
        out += [os.path.join(folder, name) for name in dirs + files]
    return out


def links_in(path: str) -> list[str]:
    return sorted(os.path.relpath(p, path) for p in entries(path) if os.path.islink(p))


def changed_at(path: str) -> datetime.datetime:
    """When the submission last changed, by the file system's own record: the latest ctime of
    the folder and of every entry in it (links themselves, not what they point to), in UTC."""
    latest = max(os.lstat(p).st_ctime for p in entries(path))
    return datetime.datetime.fromtimestamp(latest, datetime.timezone.utc).replace(tzinfo=None)


TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f UTC"      # as nbgrader submit writes it


class OwnerCheckedCollect(ExchangeCollect):
    """`nbgrader collect` that skips submissions not owned by the student they name, follows
    no link, and dates each submission by the file system (see the module's docstring)."""

    def _path_to_record(self, path):
        record = super()._path_to_record(path)
        claimed = record["timestamp"]
        record["timestamp"] = changed_at(path)
        if claimed is not None and abs((record["timestamp"] - claimed.replace(tzinfo=None)).total_seconds()) > 300:
            self.log.warning("%s: submitted at %s by the exchange's record; its name claims %s",
                             os.path.basename(path), record["timestamp"], claimed)
        # the folder is 0777 (nbgrader submit makes it so): anyone who learns its name may
        # replace a file in it, so every file must be the student's too (a link is judged by
        # its own owner, never by what it points to)
        owners = {owner_of(p) for p in entries(path)}
        if owners != {record["username"]}:
            owner = ", ".join(sorted(owners - {record["username"]}))
            self.log.error("Not collected: %s names student %s but belongs to %s",
                           os.path.basename(path), record["username"], owner)
            record = dict(record, username=FORGED + record["filename"], claimed=record["username"],
                          owner=owner)
        return record

    def copy_files(self):
        self.src_records = [r for r in self.src_records if not r["username"].startswith(FORGED)]
        super().copy_files()

    def do_copy(self, src, dest, log=None):
        """Copy a submission without following (or copying) any link in it, then date it by the
        exchange's record. nbgrader's own ignore rules (size, patterns) still apply."""
        links = links_in(src)
        if links:
            self.log.error("Collected %s without its %d symbolic link(s), which were not followed: %s",
                           os.path.basename(src), len(links), ", ".join(links[:10]))
        if self.get_size(src) > 1000 * self.coursedir.max_dir_size:
            self.log.error("Directory size is too big")
            raise RuntimeError("Directory size is too big")
        nbgrader_ignore = ignore_patterns(exclude=self.coursedir.ignore, include=self.coursedir.include,
                                          max_file_size=self.coursedir.max_file_size, log=self.log)

        def ignore(folder, names):
            skipped = set(nbgrader_ignore(folder, names))
            return skipped | {n for n in names if not stat.S_ISDIR(os.lstat(os.path.join(folder, n)).st_mode)
                              and not stat.S_ISREG(os.lstat(os.path.join(folder, n)).st_mode)}

        shutil.copytree(src, dest, symlinks=True, ignore=ignore)
        when = changed_at(src)
        with open(os.path.join(dest, "timestamp.txt"), "w") as f:
            f.write(when.strftime(TIMESTAMP_FORMAT))
