"""The instructor's commands (`COMMANDS`), which the Makefile's targets call: python -m autograder
{release,remove,grade,...} ... Each calls the package that does the job and prints what came of it."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .course.folder import REPO, assignments, resolve


def refuse(message, status: int = 2) -> int:
    """Say on stderr why a command did nothing; returns its exit status."""
    print(message, file=sys.stderr)
    return status


def cmd_release(args) -> int:
    """release/ from source/, then what the students' package holds of each set (catalogue.ship) and
    what links the notebooks together (navigation)."""
    from .authoring.catalogue import ship
    from .authoring.navigation import START_PAGE, write_navigation, write_start_page
    from .authoring.release import release

    course = Path(args.course).resolve()
    names = assignments(course) if args.all else [resolve(n, course) for n in args.names]
    refused = release(names, course)
    if course == REPO:  # the package and the start page students get are this repository's
        ship(names)
        if write_start_page(course):
            print(f"wrote the table of chapters of {START_PAGE} from README.md's course map")
        for lecture in write_navigation(course):
            print(f"wrote the links to the start page and the neighbouring chapters of notebooks/{lecture}")
    if refused:
        print(f"{len(refused)} problem set(s) not regenerated (above); the others are", file=sys.stderr)
    return 1 if refused else 0


def cmd_remove(args) -> int:
    """A problem set (found in source/, or else release/) taken out of the course, then out of what the
    students' package and the start page hold."""
    from .authoring.catalogue import ship
    from .authoring.navigation import START_PAGE, write_start_page
    from .authoring.release import NotRemoved, remove

    course = Path(args.course).resolve()
    found = {
        p.name
        for folder in ("source", "release")
        for p in (course / folder).glob("ps*")
        if p.is_dir() and (p.name == args.assignment or p.name.startswith(args.assignment + "_"))
    }
    if len(found) != 1:
        return refuse(f"remove: no single problem set matches {args.assignment!r} in source/ or release/")
    name = found.pop()
    try:
        removed = remove(name, course, force=args.force)
    except NotRemoved as err:
        return refuse(f"remove: {name} was not removed: {err}")
    for line in removed:
        print(f"removed {line}")
    if course == REPO:  # as in cmd_release: the package and the start page are this repository's
        ship([])  # says "removed rnnlab/...: its problem set is gone" for each file of it
        if write_start_page(course):
            print(f"wrote the table of chapters of {START_PAGE} without {name}")
    return 0


def cmd_grade(args) -> int:
    from .course.student_text import visible  # a reason may name a student's file: no escape sequence acts
    from .grading.run import NotGradeable, Options, SandboxUnavailable, grade_class

    opt = Options(
        jobs=args.jobs,
        sandboxed=not args.unsandboxed,
        cell_timeout=args.cell_timeout,
        submission_timeout=args.submission_timeout,
        named_regexp=args.regexp,
        keep_workdir=args.keep,
        regrade_baseline=getattr(args, "regrade_baseline", None),
        cluster=args.cluster or None,
    )
    if not opt.sandboxed:
        print("WARNING: grading UNSANDBOXED: student code runs with your rights.", file=sys.stderr)
    try:
        run = grade_class(args.assignment, args.submissions, course=args.course, options=opt)
    except SandboxUnavailable as err:
        return refuse(err, 3)
    except NotGradeable as err:
        return refuse(err)
    except FileNotFoundError as err:  # SUBMISSIONS= names no folder or zip
        return refuse(f"{err}: give SUBMISSIONS= the folder (or LMS zip) of the class's submissions")
    from .gradebook.report import finals

    reports = run.course / "reports" / run.assignment
    final = finals(reports)  # after the late penalty, as grades.csv says
    for r in sorted(run.rows.values(), key=lambda r: r.student):
        print(
            f"{r.student:20s} {final.get(r.student, r.score):6g} / {r.max_score:g}  {r.status}"
            + (f"  ({visible(r.reason)})" if r.reason else "")
            + (f"  [{len(r.flags)} flag(s)]" if r.flags else "")
        )
    args.changes = run.changes
    if run.changes and opt.regrade_baseline is None:  # a regrade says them once, net, at its end
        print(
            f"{len(run.changes)} score(s) changed since the last run: "
            + ", ".join(f"{student} {old:g} -> {new:g}" for student, old, new in run.changes)
        )
    print(f"grades: {reports / 'grades.csv'}\nreport: {reports / 'report.md'}")
    return 0


def cmd_regrade(args) -> int:
    """After a test or key fix: regenerate the set, then grade again the submissions of every run so
    far, oldest first; the changes said are each student's score before against after the last pass."""
    import json

    from .authoring.release import release

    course = Path(args.course).resolve()
    name = resolve(args.assignment, course)
    try:
        report = json.loads((course / "reports" / name / "report.json").read_text(encoding="utf-8"))
        sources = report["sources"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return refuse(f"regrade: {name} has not been graded in {course} yet; use make autograde")
    gone = [s for s in sources if not Path(s).exists()]
    if gone:
        return refuse(
            f"regrade: submissions graded earlier are gone ({', '.join(gone)}); put them back, or grade "
            "what you have with make autograde"
        )
    from .gradebook.scores import recorded_scores

    args.regrade_baseline = recorded_scores(course, name) or {}
    if release([name], course, advise=False):  # this regrade is what it would advise
        return 1
    args.assignment = name
    for source in sources:
        args.submissions = source
        status = cmd_grade(args)
        if status:
            return status
    changes = getattr(args, "changes", [])  # the last pass's: every pass's students, net
    print(
        f"{len(changes)} score(s) changed by the regrade: "
        + ", ".join(f"{student} {old:g} -> {new:g}" for student, old, new in changes)
        if changes
        else "no score changed by the regrade"
    )
    return 0


def refresh_reports(course: Path, assignment: str) -> None:
    """The grading run's reports again, every final score derived from the gradebook now: every
    command that changes or publishes a grade calls this."""
    from .gradebook.report import refresh

    if refresh(course, assignment):
        print(f"reports/{assignment}/grades.csv, report.md and report.json: final scores from the gradebook now")


def cmd_feedback(args) -> int:
    """Every student's feedback again, after hand grading (autograder.term.feedback_again)."""
    from .term.feedback_again import feedback_again

    course = Path(args.course).resolve()
    name = resolve(args.assignment, course)
    proc, kept, now = feedback_again(course, name)
    refresh_reports(course, name)
    print(proc.stdout[-2000:], proc.stderr[-2000:])
    for student, why in kept.items():
        print(
            f"feedback of {student} kept withheld, as the grading run decided ({why}); "
            "grade the assignment again to clear it"
        )
    for student, flag in now.items():
        print(f"feedback of {student} withheld: {flag}")
    return proc.returncode


def cmd_handgrade(args) -> int:
    """Pages on 127.0.0.1 to grade the explain answers question by question (autograder.term.handgrade)."""
    from .term.handgrade import serve

    course = Path(args.course).resolve()
    return serve(course, resolve(args.assignment, course), host=args.host, port=args.port)


def cmd_demo(args) -> int:
    """A demo class: sample submissions in a course folder of their own (autograder.authoring.demo)."""
    from .authoring.demo import NotADemo, write_demo_class

    name = resolve(args.assignment)
    try:
        course, count = write_demo_class(name, Path(args.folder))
    except NotADemo as err:
        return refuse(err)
    print(
        f"{count} sample submissions of {name} in {course / 'submissions'}, in a demo course of "
        f"their own; grade them with: make autograde ASSIGNMENT={args.assignment} SUBMISSIONS={args.folder}"
    )
    return 0


def cmd_due(args) -> int:
    """Set a problem set's due date, or give one student an extension, in the course's gradebook."""
    from .term.due import DueError, due_time, extend, set_due

    course = Path(args.course).resolve()
    name = resolve(args.assignment, course)
    if args.student is None:
        when = due_time(args.when)
        set_due(course, name, when)
        print(f"{name} is due {when:%Y-%m-%d %H:%M} UTC")
    else:
        try:
            extend(course, name, args.student, args.days, args.hours)
        except DueError as err:
            return refuse(f"due: {err}")
        print(f"{args.student} has {args.days:g} day(s) and {args.hours:g} hour(s) more for {name}")
    refresh_reports(course, name)
    if any((course / "feedback").glob(f"*/{name}/{name}.html")):
        print(f"the feedback files still show the scores of before: run make feedback ASSIGNMENT={args.assignment}")
    return 0


def cmd_questions(args) -> int:
    """Question statistics of a graded problem set: the reports' section, and reports/<set>/questions.html."""
    from .course.student_text import visible
    from .term.questions import NotGraded, write_page

    course = Path(args.course).resolve()
    name = resolve(args.assignment, course)
    try:
        path, stats = write_page(course, name)
    except NotGraded as err:
        return refuse(f"questions: {err}")
    refresh_reports(course, name)
    flagged = [f"{i['name']} ({', '.join(i['flags'])})" for i in stats["items"] if i["flags"]]
    print(f"{len(stats['items'])} item(s) over {stats['students']} graded student(s): {path}")
    if flagged:
        print(f"{len(flagged)} flagged, worth a look: " + visible("; ".join(flagged)))
    return 0


def cmd_roster(args) -> int:
    """Read an LMS's class list into the course's roster.csv."""
    from .gradebook import roster

    course = Path(args.course).resolve()
    try:
        kind, entries = roster.parse(Path(args.file))
        path = roster.write(course, entries, resolve(args.assignment, course) if args.assignment else None)
    except roster.RosterError as err:
        return refuse(f"roster: {err}")
    print(f"{len(entries)} student(s) from {kind} written to {path}; every grading run now has a row for each")
    try:
        n = roster.into_gradebook(course, entries)
        print(
            f"names and e-mails in the gradebook for the formgrader and make export ({n} student(s) added or changed)"
        )
    except Exception as err:  # the roster is written; the next grading run tries again
        print(
            f"roster: the gradebook could not be updated now ({type(err).__name__}); "
            "the next grading run writes the names into it",
            file=sys.stderr,
        )
    return 0


def cmd_grades_lms(args) -> int:
    """The LMS's grade-import file and feedback zip of one problem set."""
    from .gradebook.roster import RosterError
    from .term import lms

    course = Path(args.course).resolve()
    name = resolve(args.assignment, course)
    try:
        grades, bundle, left = lms.export(course, name, args.lms, args.title, args.per_exercise)
    except (lms.NoGrades, RosterError) as err:
        return refuse(f"grades-lms: {err}")
    print(f"grades for {args.lms.capitalize()}: {grades}")
    print(
        f"feedback files for its bulk upload: {bundle}"
        if bundle is not None
        else f"no feedback zip: no feedback file can be matched to a {args.lms.capitalize()} submission (the reasons "
        "below); students who did not hand in through its download get their feedback another way"
    )
    if args.lms == "canvas" and not args.title:
        print(
            f"  the grade column is named {name!r}: Canvas makes a new assignment of a column it does not know; "
            'name it as your Canvas export does, e.g. TITLE="Problem set 3 (501)"'
        )
    for line in left:
        print(f"  not in them: {line}")
    return 0


def cmd_similarity(args) -> int:
    """Pairs of students whose answers are unusually alike, after grading (autograder.term.similarity)."""
    from .term.similarity import NotGraded, run

    course = Path(args.course).resolve()
    name = resolve(args.assignment, course)
    try:
        page, found = run(course, name)
    except NotGraded as err:
        return refuse(f"similarity: {err}")
    print(
        f"{len(found.students)} student(s) compared: {len(found.pairs)} pair(s) listed, for a person to judge\n"
        f'side by side: {page}\nreport: {page.with_name("report.md")} (section "Similar submissions")'
    )
    if found.left_out:
        print(f"{len(found.left_out)} student(s) not compared (the page says why)")
    return 0


def cmd_gradebook_move(args) -> int:
    """The term's gradebook.db copied into an empty PostgreSQL database, checked row by row (autograder.term.move)."""
    from .term.move import MoveError, move, next_step, report

    to = args.to or os.environ.get("RNNLAB_GRADEBOOK_URL")
    if not to:
        return refuse(
            "gradebook-move: name the PostgreSQL database: export RNNLAB_GRADEBOOK_URL='postgresql+psycopg://"
            "grader:PASSWORD@db.example.org/rnn_course', then make gradebook-move (TO=<URL> works too, but leaves "
            "the password in your shell's history)"
        )
    try:
        moved = move(Path(args.course), to)
    except MoveError as err:
        return refuse(f"gradebook-move: {err}")
    print("\n".join(report(moved)))
    if moved.check.differences:
        return 1
    print("\n".join(next_step(moved)))
    return 0


def cmd_try_cluster(args) -> int:
    """A throwaway PostgreSQL gradebook and a Dask cluster on this machine, until Ctrl-C."""
    from .deploying.pgserver import NoPostgres
    from .deploying.trycluster import run

    try:
        return run(Path(args.course), args.workers)
    except NoPostgres as err:
        return refuse(f"try-cluster: {err}")
    except KeyboardInterrupt:  # while starting: what had started is stopped
        return refuse("try-cluster: interrupted; stopped", 130)


GRADE_OPTIONS = {
    "--jobs": dict(type=int, default=os.cpu_count() or 2),
    "--unsandboxed": dict(action="store_true", help="run student code with your rights"),
    "--cell-timeout": dict(type=int, default=None, help="seconds per cell (default: nbgrader_config.py)"),
    "--submission-timeout": dict(type=int, default=900, help="seconds per submission"),
    "--regexp": dict(default=None, help="named regexp for LMS file names (student_id, file_id)"),
    "--keep": dict(action="store_true", help="keep the run's working folder for debugging"),
    "--cluster": dict(
        default=None,
        help="a Dask scheduler (tcp://host:8786): one task per student there "
        "(docs/grading.md; needs a PostgreSQL gradebook)",
    ),
}
# name: (function, help, its arguments: name -> argparse's keywords); every command takes --course
COMMANDS = {
    "release": (
        cmd_release,
        "regenerate release/ from source/ with nbgrader",
        {"names": dict(nargs="*"), "--all": dict(action="store_true")},
    ),
    "remove": (
        cmd_remove,
        "take a problem set out: source/, release/, what students get of it, its gradebook rows",
        {"assignment": {}, "--force": dict(action="store_true", help="also when students are graded in it")},
    ),
    "grade": (
        cmd_grade,
        "grade a folder or an LMS zip of submissions",
        {"assignment": {}, "submissions": {}, **GRADE_OPTIONS},
    ),
    "regrade": (
        cmd_regrade,
        "regenerate a set and grade every run's submissions again",
        {"assignment": {}, **GRADE_OPTIONS},
    ),
    "demo": (
        cmd_demo,
        "write sample submissions (solution, blank, wrong solutions) to try grading",
        {"assignment": {}, "folder": {}},
    ),
    "feedback": (cmd_feedback, "regenerate feedback HTML (after hand grading)", {"assignment": {}}),
    "handgrade": (
        cmd_handgrade,
        "grade the explain answers by question, beside the model answer",
        {
            "assignment": {},
            "--port": dict(type=int, default=0, help="port (default: any free one)"),
            "--host": dict(default="127.0.0.1", help="a loopback address (default: 127.0.0.1)"),
        },
    ),
    "due": (
        cmd_due,
        "set a due date, or give a student an extension",
        {
            "assignment": {},
            "when": dict(nargs="?", help="due date, e.g. '2026-12-01 23:59 Europe/Berlin'"),
            "--student": dict(help="give this student an extension instead"),
            "--days": dict(type=float, default=0),
            "--hours": dict(type=float, default=0),
        },
    ),
    "questions": (
        cmd_questions,
        "question statistics of a graded set: report.md's section and questions.html",
        {"assignment": {}},
    ),
    "roster": (
        cmd_roster,
        "read the LMS's class list into roster.csv",
        {"file": {}, "--assignment": dict(help="Moodle: the assignment whose grading worksheet it is")},
    ),
    "grades-lms": (
        cmd_grades_lms,
        "grades and feedback in the form Canvas or Moodle imports",
        {
            "assignment": {},
            "--lms": dict(choices=["canvas", "moodle"], required=True),
            "--title": dict(help="the assignment's name in the LMS (default: the problem set's)"),
            "--per-exercise": dict(action="store_true", help="Canvas: one more column per graded cell"),
        },
    ),
    "similarity": (
        cmd_similarity,
        "pairs of students whose answers are unusually alike, side by side",
        {"assignment": {}},
    ),
    "gradebook-move": (
        cmd_gradebook_move,
        "copy the term's gradebook.db into an empty PostgreSQL database, checked",
        {"--to": dict(help="its URL (default: $RNNLAB_GRADEBOOK_URL)")},
    ),
    "try-cluster": (
        cmd_try_cluster,
        "a throwaway gradebook and Dask cluster on this machine, to try CLUSTER= on",
        {"--workers": dict(type=int, default=2, help="Dask workers of one thread each (default: 2)")},
    ),
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder")
    sub = parser.add_subparsers(dest="cmd", required=True)
    for name, (func, text, arguments) in COMMANDS.items():
        p = sub.add_parser(name, help=text)
        for argument, keywords in arguments.items():
            p.add_argument(argument, **keywords)
        if name != "demo":
            p.add_argument("--course", default=str(REPO), help="course folder (default: this repository)")
        p.set_defaults(func=func)
    args = parser.parse_args(argv)
    # stdout's lines in order with stderr's when both go to one pipe (make autograde 2>&1 | tee)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(line_buffering=True)
    if args.func is cmd_due and (args.student is None) == (args.when is None):
        parser.error("due: give a due date, or --student with --days/--hours, not both")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
