"""Command line: python -m instructor {release,grade,feedback,handgrade} ...  (the Makefile calls these)."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .common.course import REPO, assignments, gradebook_url, resolve


def cmd_release(args) -> int:
    """release/ from source/ (nbgrader), then what the students' package holds of each set (its
    probes and its catalogue's fingerprints: instructor.authoring.catalogue) and the start page's
    table of chapters (instructor.common.chapters)."""
    from .authoring.catalogue import ship
    from .authoring.release import release
    from .common.chapters import START_PAGE, write_start_page
    from .common.problemsets import problem_set

    course = Path(args.course).resolve()
    names = assignments(course) if args.all else [resolve(n, course) for n in args.names]
    refused = release(names, course)
    if course == REPO:                   # the package and the start page students get are this repository's
        ship([n for n in names if problem_set(n, course).probes.is_file()])
        if write_start_page(course):
            print(f"wrote the table of chapters of {START_PAGE} from README.md's course map")
    if refused:
        print(f"{len(refused)} problem set(s) not regenerated (above); the others are", file=sys.stderr)
    return 1 if refused else 0


def cmd_grade(args) -> int:
    from .grading.pipeline import NotGradeable, Options, Run, SandboxUnavailable

    opt = Options(jobs=args.jobs, sandboxed=not args.unsandboxed, cell_timeout=args.cell_timeout,
                  submission_timeout=args.submission_timeout, named_regexp=args.regexp,
                  keep_workdir=args.keep, prior_changes=tuple(getattr(args, "prior_changes", ())),
                  cluster=args.cluster or None)
    if not opt.sandboxed:
        print("WARNING: grading UNSANDBOXED: student code runs with your rights.", file=sys.stderr)
    if opt.cluster:                              # each student in a task on the Dask cluster
        from .grading.cluster import ClusterRun
        run = ClusterRun(args.assignment, args.submissions, course=args.course, options=opt)
    else:
        run = Run(args.assignment, args.submissions, course=args.course, options=opt)
    try:
        results = run.run()
    except SandboxUnavailable as err:
        print(err, file=sys.stderr)
        return 3
    except NotGradeable as err:
        print(err, file=sys.stderr)
        return 2
    from .common.untrusted import visible              # a reason may name a student's file: no escape sequence acts
    from .gradebook.report import finals
    final = finals(run.reports)                          # after the late penalty, as grades.csv says
    for r in results:
        print(f"{r.student:20s} {final.get(r.student, r.score):6g} / {r.max_score:g}  {r.status}"
              + (f"  ({visible(r.reason)})" if r.reason else "") + (f"  [{len(r.flags)} flag(s)]" if r.flags else ""))
    args.prior_changes = [*opt.prior_changes, *run.changes]
    if run.changes:
        print(f"{len(run.changes)} score(s) changed since the last run: "
              + ", ".join(f"{student} {old:g} -> {new:g}" for student, old, new in run.changes))
    print(f"grades: {run.reports / 'grades.csv'}\nreport: {run.reports / 'report.md'}")
    return 0


def cmd_regrade(args) -> int:
    """After a test or key fix: regenerate the set (refused in one line if nbgrader cannot), then
    grade again the submissions of every run so far (the class, then the late ones), oldest
    first; hand grades of unchanged answers stay, and each run says whose score changed."""
    import json

    from .authoring.release import release
    course = Path(args.course).resolve()
    name = resolve(args.assignment, course)
    try:
        report = json.loads((course / "reports" / name / "report.json").read_text(encoding="utf-8"))
        sources = report.get("sources") or [report["submissions"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        print(f"regrade: {name} has not been graded in {course} yet; use make autograde", file=sys.stderr)
        return 2
    gone = [s for s in sources if not Path(s).exists()]
    if gone:
        print(f"regrade: submissions graded earlier are gone ({', '.join(gone)}); put them back, or grade "
              "what you have with make autograde", file=sys.stderr)
        return 2
    if release([name], course):
        return 1
    args.assignment = name
    for source in sources:
        args.submissions = source
        status = cmd_grade(args)
        if status:
            return status
    return 0


def refresh_reports(course: Path, assignment: str) -> None:
    """The grading run's reports again, with every final score derived from the gradebook now
    (instructor.gradebook.report.refresh), and the derived late penalties written back for the formgrader:
    every command that changes or publishes a grade calls this."""
    from .gradebook.report import refresh

    if refresh(course, assignment):
        print(f"reports/{assignment}/grades.csv, report.md and report.json: final scores from the gradebook now")


def cmd_feedback(args) -> int:
    course = Path(args.course).resolve()
    name = resolve(args.assignment, course)
    from .grading.paths import feedback_for_make_feedback
    proc = feedback_for_make_feedback(course, name)        # nbgrader's, unscanned: scanned below
    refresh_reports(course, name)
    print(proc.stdout[-2000:], proc.stderr[-2000:])
    # nbgrader wrote everyone's feedback again: what the grading run withheld stays withheld,
    # and the rest is scanned as the run scanned it
    import nbformat

    from .grading.feedbackscan import scan_feedback, withheld_marker
    students = sorted(p.name for p in (course / "feedback").iterdir() if (p / name).is_dir()) \
        if (course / "feedback").is_dir() else []
    before = [s for s in students if withheld_marker(course, name, s).exists()]
    source = nbformat.read(course / "source" / name / f"{name}.ipynb", 4)
    released = course / "release" / name / f"{name}.ipynb"
    now = scan_feedback(course, name, students, source, nbformat.read(released, 4) if released.exists() else None)
    for student in before:
        why = withheld_marker(course, name, student).read_text().strip().removeprefix("feedback withheld: ")
        print(f"feedback of {student} kept withheld, as the grading run decided ({why}); "
              "grade the assignment again to clear it")
    for student, flag in now.items():
        print(f"feedback of {student} withheld: {flag}")
    return proc.returncode


def cmd_handgrade(args) -> int:
    """Pages on 127.0.0.1 to grade the explain answers question by question (instructor.term.handgrade)."""
    from .term.handgrade import serve

    course = Path(args.course).resolve()
    return serve(course, resolve(args.assignment, course), host=args.host, port=args.port)


def cmd_demo(args) -> int:
    """A demo class: a course folder of its own (its own gradebook, reports and feedback) with
    sample submissions (the course's own test fixtures) to try grading on."""
    import nbformat

    from .authoring import fixtures as F
    from .grading.pipeline import DEMO_MARKER
    name = resolve(args.assignment)
    release = nbformat.read(REPO / "release" / name / f"{name}.ipynb", 4)
    source = nbformat.read(REPO / "source" / name / f"{name}.ipynb", 4)
    batch = [F.SOLUTION, F.BLANK] + F.fixtures_for(name, "mutants") + F.fixtures_for(name, "alternatives")
    course = Path(args.folder) / name
    if course.exists() and not (course / DEMO_MARKER).exists():
        print(f"{course} exists and is not a demo class: choose another folder", file=sys.stderr)
        return 2
    F.make_course(course, [name], replace=True)
    (course / DEMO_MARKER).write_text(
        "A demo class of the course (python -m instructor demo): its own course folder, so grading\n"
        "it never touches the real gradebook. Remove the folder when done.\n")
    F.write_batch(course / "submissions", name, batch, release, source)
    # and one broken upload: the student version cut off half-way, as an interrupted download leaves it
    text = (REPO / "release" / name / f"{name}.ipynb").read_text()
    (course / "submissions" / "broken").mkdir()
    (course / "submissions" / "broken" / f"{name}.ipynb").write_text(text[:len(text) // 2])
    print(f"{len(batch) + 1} sample submissions of {name} in {course / 'submissions'}, in a demo course of "
          f"their own; grade them with: make autograde ASSIGNMENT={args.assignment} SUBMISSIONS={args.folder}")
    return 0


def due_time(text: str):
    """'2026-12-01 23:59 Europe/Berlin', '2026-12-01T23:59+01:00' or '... UTC' -> naive UTC, as
    nbgrader keeps times. A time without a zone is refused: whose midnight would it be?"""
    import datetime as dt
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from dateutil.parser import ParserError, parse

    head, _, zone = text.strip().rpartition(" ")
    try:
        when = parse(head).replace(tzinfo=ZoneInfo(zone)) if head and ("/" in zone or zone == "UTC") else parse(text)
    except (ParserError, ValueError, ZoneInfoNotFoundError) as err:
        raise SystemExit(f"due: cannot read the time {text!r} ({err})")
    if when.tzinfo is None:
        if zone.isalpha() and zone.isupper():          # CET, EST: abbreviations name no one rule
            raise SystemExit(f"due: {zone!r} is an abbreviation, not a time zone; write the region instead, "
                             f"e.g. '{head} Europe/Berlin' or '{head} UTC'")
        raise SystemExit(f"due: {text!r} has no time zone; add one, e.g. '{text} Europe/Berlin' or '{text} UTC'")
    return when.astimezone(dt.timezone.utc).replace(tzinfo=None)


def cmd_due(args) -> int:
    """Set a problem set's due date, or give one student an extension, in the course's gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    course = Path(args.course).resolve()
    name = resolve(args.assignment, course)
    with Gradebook(gradebook_url(course)) as gb:
        if args.student is None:
            when = due_time(args.when)
            gb.update_or_create_assignment(name, duedate=when)
            print(f"{name} is due {when:%Y-%m-%d %H:%M} UTC")
        else:
            try:
                gb.find_assignment(name)
            except MissingEntry:
                print(f"due: {name} is not in {course}'s gradebook yet; run make assignments first", file=sys.stderr)
                return 2
            gb.update_or_create_student(args.student)
            try:
                gb.find_submission(name, args.student)
            except MissingEntry:                        # nbgrader keeps extensions on submissions
                gb.add_submission(name, args.student)
            gb.grant_extension(name, args.student, days=args.days, hours=args.hours)
            print(f"{args.student} has {args.days:g} day(s) and {args.hours:g} hour(s) more for {name}")
    refresh_reports(course, name)
    if any((course / "feedback").glob(f"*/{name}/{name}.html")):
        print(f"the feedback files still show the scores of before: run make feedback ASSIGNMENT={args.assignment}")
    return 0


def cmd_roster(args) -> int:
    """Read an LMS's class list into the course's roster.csv."""
    from .gradebook import roster
    course = Path(args.course).resolve()
    try:
        kind, entries = roster.parse(Path(args.file))
    except roster.RosterError as err:
        print(f"roster: {err}", file=sys.stderr)
        return 2
    try:
        path = roster.write(course, entries, resolve(args.assignment, course) if args.assignment else None)
    except roster.RosterError as err:
        print(f"roster: {err}", file=sys.stderr)
        return 2
    print(f"{len(entries)} student(s) from {kind} written to {path}; every grading run now has a row for each")
    return 0


def cmd_grades_lms(args) -> int:
    """The LMS's grade-import file and feedback zip of one problem set."""
    from .term import lms
    from .gradebook.roster import RosterError
    course = Path(args.course).resolve()
    name = resolve(args.assignment, course)
    try:
        grades, bundle, left = lms.export(course, name, args.lms, args.title, args.per_exercise)
    except (lms.NoGrades, RosterError) as err:
        print(f"grades-lms: {err}", file=sys.stderr)
        return 2
    print(f"grades for {args.lms.capitalize()}: {grades}\nfeedback files for its bulk upload: {bundle}")
    if args.lms == "canvas" and not args.title:
        print(f"  the grade column is named {name!r}: Canvas makes a new assignment of a column it does not know; "
              "name it as your Canvas export does, e.g. TITLE=\"Problem set 3 (501)\"")
    for line in left:
        print(f"  not in them: {line}")
    return 0


GRADE_OPTIONS = {
    "--jobs": dict(type=int, default=os.cpu_count() or 2),
    "--unsandboxed": dict(action="store_true", help="run student code with your rights"),
    "--cell-timeout": dict(type=int, default=None, help="seconds per cell (default: nbgrader_config.py)"),
    "--submission-timeout": dict(type=int, default=900, help="seconds per submission"),
    "--regexp": dict(default=None, help="named regexp for LMS file names (student_id, file_id)"),
    "--keep": dict(action="store_true", help="keep the run's working folder for debugging"),
    "--cluster": dict(default=None, help="a Dask scheduler (tcp://host:8786): one task per student there "
                                         "(docs/grading.md; needs a PostgreSQL gradebook)"),
}
# name: (function, help, its arguments: name -> argparse's keywords); every command takes --course
COMMANDS = {
    "release": (cmd_release, "regenerate release/ from source/ with nbgrader",
                {"names": dict(nargs="*"), "--all": dict(action="store_true")}),
    "grade": (cmd_grade, "grade a folder or an LMS zip of submissions",
              {"assignment": {}, "submissions": {}, **GRADE_OPTIONS}),
    "regrade": (cmd_regrade, "regenerate a set and grade every run's submissions again",
                {"assignment": {}, **GRADE_OPTIONS}),
    "demo": (cmd_demo, "write sample submissions (solution, blank, wrong solutions) to try grading",
             {"assignment": {}, "folder": {}}),
    "feedback": (cmd_feedback, "regenerate feedback HTML (after hand grading)", {"assignment": {}}),
    "handgrade": (cmd_handgrade, "grade the explain answers by question, beside the model answer",
                  {"assignment": {}, "--port": dict(type=int, default=0, help="port (default: any free one)"),
                   "--host": dict(default="127.0.0.1", help="a loopback address (default: 127.0.0.1)")}),
    "due": (cmd_due, "set a due date, or give a student an extension",
            {"assignment": {}, "when": dict(nargs="?", help="due date, e.g. '2026-12-01 23:59 Europe/Berlin'"),
             "--student": dict(help="give this student an extension instead"),
             "--days": dict(type=float, default=0), "--hours": dict(type=float, default=0)}),
    "roster": (cmd_roster, "read the LMS's class list into roster.csv",
               {"file": {}, "--assignment": dict(help="Moodle: the assignment whose grading worksheet it is")}),
    "grades-lms": (cmd_grades_lms, "grades and feedback in the form Canvas or Moodle imports",
                   {"assignment": {}, "--lms": dict(choices=["canvas", "moodle"], required=True),
                    "--title": dict(help="the assignment's name in the LMS (default: the problem set's)"),
                    "--per-exercise": dict(action="store_true", help="Canvas: one more column per graded cell")}),
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m instructor")
    sub = parser.add_subparsers(dest="cmd", required=True)
    for name, (func, text, arguments) in COMMANDS.items():
        p = sub.add_parser(name, help=text)
        for argument, keywords in arguments.items():
            p.add_argument(argument, **keywords)
        if name != "demo":
            p.add_argument("--course", default=str(REPO), help="course folder (default: this repository)")
        p.set_defaults(func=func)
    args = parser.parse_args(argv)
    if args.func is cmd_due and (args.student is None) == (args.when is None):
        parser.error("due: give a due date, or --student with --days/--hours, not both")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
