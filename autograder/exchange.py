"""nbgrader's file-system exchange, with the one check it only warns about made binding.

Stock `nbgrader collect` takes the student id from the name of each folder in the exchange's
inbound/ (`<student>+<assignment>+<timestamp>+<random>`), which any student can create (the
folder is 0733 so that everyone can submit). It warns when the folder's Unix owner is not that
student ("cheating attempt?") and collects it anyway, and it keeps the newest timestamp, which
the folder name also sets. So one student can replace another's submission. The course's
nbgrader_config.py selects this collector instead:

    c.ExchangeFactory.collect = "autograder.exchange.OwnerCheckedCollect"

It refuses (and logs as an error) every inbound folder that is not, with every file in it,
owned by the student it names, before choosing each student's newest submission, so a forged
folder can neither replace nor hide a real one, and a file swapped into a real one is caught. It needs one Unix user per student, as on a hub with local users; on
Kubernetes every server runs as the same uid and an exchange service (ngshare) is the fix
(docs/hub.md).
"""
from __future__ import annotations

import os
import pwd

from nbgrader.exchange.default.collect import ExchangeCollect

FORGED = "\0forged"      # no real student id holds a NUL: forged records group apart


def owner_of(path: str) -> str:
    try:
        return pwd.getpwuid(os.stat(path).st_uid).pw_name
    except KeyError:
        return f"uid {os.stat(path).st_uid}"


class OwnerCheckedCollect(ExchangeCollect):
    """`nbgrader collect` that skips submissions not owned by the student they name."""

    def _path_to_record(self, path):
        record = super()._path_to_record(path)
        # the folder is 0777 (nbgrader submit makes it so): anyone who learns its name may
        # replace a file in it, so every file must be the student's too
        owners = {owner_of(path)} | {owner_of(os.path.join(d, f)) for d, _, files in os.walk(path)
                                     for f in files}
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
