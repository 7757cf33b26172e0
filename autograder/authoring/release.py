"""`make assignments` (`release`): the student versions in release/, regenerated from source/, each
swapped in only once nbgrader succeeded (nbgrader's own `--force` deletes it first); a set whose
graded cells changed after students were graded is refused first (nbgrader's SaveCells would
raise). `make remove-assignment` (`remove`) takes a problem set out again.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ..course.folder import REPO, gradebook_url, is_file_gradebook
from ..course.problemsets import problem_set
from ..gradebook.cells import changed_after_grading, regrade_due


def _swap(new: Path, target: Path) -> None:
    """Put the folder `new` where `target` is, the old one removed only once the new one is in."""
    old = target.with_name(f".{target.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    new.rename(target)
    if old.exists():
        shutil.rmtree(old)


def release(names: list[str], course: Path = REPO, log=print, advise: bool = True) -> list[str]:
    """Generate the student versions of `names` into the course's release/, with one nbgrader for all.
    Returns why those not regenerated were not (their release/ folders are as they were). With
    `advise`, a set whose tests or points changed since it was graded is named with `make regrade`."""
    from ..grading.workerclient import Worker, first_error

    course = Path(course).resolve()
    (course / "release").mkdir(exist_ok=True)
    refused = []
    with tempfile.TemporaryDirectory(prefix=".release-", dir=course) as tmp:
        worker = None
        try:
            for name in names:
                why = changed_after_grading(course, name)
                if why is not None:
                    why = f"{name} was not regenerated: {why}"
                else:
                    if worker is None or not worker.alive():
                        worker = Worker(course, Path(tmp) / "worker.log")
                    out = Path(tmp) / "release"
                    graded = regrade_due(course, name) if advise else 0
                    try:
                        worker.generate(name, out)
                    except RuntimeError as err:
                        why = f"{name} was not regenerated: nbgrader said: {first_error(str(err))}"
                    else:
                        _swap(out / name, course / "release" / name)
                        log(
                            f"released {name} -> release/{name}/"
                            + (
                                f"; its tests or points changed and {graded} submission(s) of it are graded with "
                                f"the old ones: make regrade ASSIGNMENT={name} grades them again"
                                if graded
                                else ""
                            )
                        )
                        continue
                refused.append(why)
                log(why + f"; release/{name}/ is as it was")
        finally:
            if worker is not None:
                worker.stop()
    return refused


class NotRemoved(Exception):
    """Why remove() left a problem set as it was."""


def remove(name: str, course: Path = REPO, force: bool = False) -> list[str]:
    """Take the problem set `name` out of the course folder: its gradebook rows (nbgrader's
    `remove_assignment`), release/<name>/, source/<name>/ and its probes in rnnlab/probes/; returns
    what was removed, one line each. NotRemoved while the gradebook holds a submission or extension
    of it, unless `force`."""
    course = Path(course).resolve()
    removed = []
    url = gradebook_url(course)
    if not is_file_gradebook(url) or Path(url.removeprefix("sqlite:///")).exists():
        from nbgrader.api import Gradebook, MissingEntry

        with Gradebook(url) as gb:
            try:
                assignment = gb.find_assignment(name)
            except MissingEntry:
                assignment = None
            if assignment is not None:
                students = sorted(s.student.id for s in assignment.submissions)
                if students and not force:
                    raise NotRemoved(
                        f"the gradebook holds {len(students)} student(s) graded in {name} or given an extension "
                        f"({', '.join(students[:5])}{', ...' if len(students) > 5 else ''}), and removing it "
                        "deletes their grades: add FORCE=1 (--force) if that is what you want"
                    )
                what = f"{sum(len(nb.grade_cells) for nb in assignment.notebooks)} graded cell(s)"
                if students:
                    what += f"; the grades of {len(students)} student(s), their files in autograded/ and feedback/ kept"
                gb.remove_assignment(name)
                removed.append(f"{name} from the gradebook ({what})")
    for folder in ("release", "source"):
        if (course / folder / name).exists():
            shutil.rmtree(course / folder / name)
            removed.append(f"{folder}/{name}/")
    probes = problem_set(name, course).probes
    if probes.exists():
        probes.unlink()
        removed.append(probes.relative_to(course).as_posix())
    return removed
