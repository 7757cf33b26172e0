"""`make assignments` after grading (issue 30): a problem set nbgrader cannot regenerate is refused
in one sentence before nbgrader runs, and no failure leaves release/ half-written or removed;
`make remove-assignment` takes a set out again, and refuses while students are graded in it."""

import re

import nbformat
import pytest

from autograder.authoring import fixtures as F
from autograder.authoring.release import release
from autograder.gradebook.cells import changed_after_grading

A, B = "ps01_sequence_data", "ps02_rnn"


def _grade_one(course, name):
    """A graded submission in the gradebook, as `make autograde` leaves one."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.update_or_create_student("s1")
        gb.add_submission(name, "s1")


def _source(course, name):
    return course / "source" / name / f"{name}.ipynb"


def _add_test_cell(course, name):
    path = _source(course, name)
    nb = nbformat.read(path, 4)
    test = next(
        c
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade")
        and not c.metadata["nbgrader"].get("solution")
        and c.cell_type == "code"
    )
    extra = nbformat.from_dict(dict(test))
    extra.metadata = nbformat.from_dict({"nbgrader": {**test.metadata["nbgrader"], "grade_id": "test_added_later"}})
    extra.id = "test-added-later"
    nb.cells.append(extra)
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course whose two problem sets are released, one of them with a graded submission."""
    course = F.make_course(tmp_path_factory.mktemp("release"), [A, B])
    assert release([A, B], course, log=lambda *a: None) == []
    _grade_one(course, A)
    return course


def _snapshot(course, name):
    return {p.relative_to(course): p.read_bytes() for p in (course / "release" / name).rglob("*") if p.is_file()}


def test_a_cell_added_after_grading_is_refused_in_one_sentence_and_release_stays(course):
    before = _snapshot(course, A)
    original = _source(course, A).read_bytes()
    _add_test_cell(course, A)
    try:
        said = []
        refused = release([A, B], course, log=said.append)
        assert len(refused) == 1 and refused[0].startswith(f"{A} was not regenerated")
        why = refused[0]
        assert "added test_added_later" in why and "1 submission(s)" in why
        assert "\n" not in why and "Traceback" not in why
        assert _snapshot(course, A) == before, "release/ changed though nothing was regenerated"
        assert any(line == f"released {B} -> release/{B}/" for line in said), "the other set was not released"
        # grading it again stops before any student, with the same sentence
        from autograder.grading.run import NotGradeable, Options, grade_class

        (course / "empty").mkdir(exist_ok=True)
        with pytest.raises(NotGradeable, match="added test_added_later"):
            grade_class(A, course / "empty", course=course, options=Options(sandboxed=False), log=lambda *a: None)
        assert not (course / "grading-runs").exists()
    finally:
        _source(course, A).write_bytes(original)
    assert changed_after_grading(course, A) is None


def test_a_changed_test_in_an_existing_cell_is_regenerated(course):
    original = _source(course, A).read_bytes()
    nb = nbformat.read(_source(course, A), 4)
    test = next(
        c
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade")
        and not c.metadata["nbgrader"].get("solution")
        and c.cell_type == "code"
    )
    test.source += "\nassert True  # a test fixed after grading\n"
    nbformat.write(nb, _source(course, A))
    try:
        assert changed_after_grading(course, A) is None
        said = []
        assert release([A], course, log=said.append) == []
        assert "a test fixed after grading" in (course / "release" / A / f"{A}.ipynb").read_text()
        # the graded submission is named, with the command that grades it again; the set whose
        # grading did not change (B), and A released again unchanged, are released without it
        assert said == [
            f"released {A} -> release/{A}/; its tests or points changed and 1 submission(s) of it "
            f"are graded with the old ones: make regrade ASSIGNMENT={A} grades them again"
        ], said
        said.clear()
        assert release([A, B], course, log=said.append) == []
        assert said == [f"released {A} -> release/{A}/", f"released {B} -> release/{B}/"], said
    finally:
        _source(course, A).write_bytes(original)
        release([A], course, log=lambda *a: None)  # the gradebook records the source as it was


@pytest.mark.parametrize("change", ["hidden", "points"])
def test_a_changed_hidden_test_or_points_asks_for_a_regrade(course, change):
    """A hidden test's code (gone from the release) and a test's points are what the gradebook
    recorded at the last release: either change names the graded submissions; releasing again
    without a change does not."""
    from autograder.gradebook.cells import regrade_due

    assert regrade_due(course, A) == 0
    original = _source(course, A).read_bytes()
    nb = nbformat.read(_source(course, A), 4)
    cell = next(c for c in nb.cells if "BEGIN HIDDEN TESTS" in c.source)
    if change == "hidden":
        cell.source = cell.source.replace("### END HIDDEN TESTS", "assert True  # one more\n### END HIDDEN TESTS")
    else:
        cell.metadata["nbgrader"]["points"] += 1
    nbformat.write(nb, _source(course, A))
    try:
        assert regrade_due(course, A) == 1
        said = []
        assert release([A], course, log=said.append) == []
        assert f"make regrade ASSIGNMENT={A}" in said[0], said
        assert regrade_due(course, A) == 0
    finally:
        _source(course, A).write_bytes(original)
        release([A], course, log=lambda *a: None)


def test_an_nbgrader_failure_keeps_the_last_release(course):
    before = _snapshot(course, B)
    original = _source(course, B).read_bytes()
    nb = nbformat.read(_source(course, B), 4)
    solution = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code")
    solution.metadata["nbgrader"]["grade_id"] = next(
        c.metadata["nbgrader"]["grade_id"]
        for c in nb.cells
        if c is not solution and c.metadata.get("nbgrader", {}).get("grade_id")
    )  # a duplicate id
    nbformat.write(nb, _source(course, B))
    try:
        refused = release([B], course, log=lambda *a: None)
    finally:
        _source(course, B).write_bytes(original)
    assert len(refused) == 1 and refused[0].startswith(f"{B} was not regenerated: nbgrader said: ")
    assert "\n" not in refused[0] and "Traceback" not in refused[0]
    assert _snapshot(course, B) == before
    assert not list(course.glob(".release-*")), "the temporary folder was left behind"


def test_an_extension_granted_before_release_is_named_not_a_traceback(tmp_path):
    """Granting an extension records a submission; nbgrader then cannot generate the set at all."""
    from nbgrader.api import Gradebook

    course = F.make_course(tmp_path / "c", [A])
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.update_or_create_assignment(A)
        gb.update_or_create_student("s1")
        gb.add_submission(A, "s1")
        gb.grant_extension(A, "s1", days=1)
    refused = release([A], course, log=lambda *a: None)
    assert len(refused) == 1 and "before granting extensions" in refused[0] and "\n" not in refused[0]


def test_regrade_needs_an_earlier_run(course, capsys):
    from autograder.__main__ import main

    assert main(["regrade", A, "--course", str(course)]) == 2
    assert "has not been graded" in capsys.readouterr().err


def _in_gradebook(course):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return sorted(a.name for a in gb.assignments)


def test_remove_takes_a_set_out_and_refuses_while_students_are_graded_in_it(tmp_path, capsys):
    """`make remove-assignment`: the set's rows in the gradebook, release/ and source/ go, and the
    other set stays; a set with a graded student is refused in a sentence, with nothing removed,
    unless forced."""
    from autograder.__main__ import main

    course = F.make_course(tmp_path / "c", [A, B])
    assert release([A, B], course, log=lambda *a: None) == []
    _grade_one(course, A)
    kept = _snapshot(course, A)

    assert main(["remove", "ps01", "--course", str(course)]) == 2
    assert capsys.readouterr().err == (
        f"remove: {A} was not removed: the gradebook holds 1 student(s) graded in {A} or given an extension (s1), "
        "and removing it deletes their grades: add FORCE=1 (--force) if that is what you want\n"
    )
    assert _snapshot(course, A) == kept and _source(course, A).exists() and _in_gradebook(course) == [A, B]

    assert main(["remove", "ps02", "--course", str(course)]) == 0
    said = capsys.readouterr().out.splitlines()
    assert len(said) == 3 and re.fullmatch(rf"removed {B} from the gradebook \(\d+ graded cell\(s\)\)", said[0])
    assert said[1:] == [f"removed release/{B}/", f"removed source/{B}/"]
    assert not (course / "release" / B).exists() and not (course / "source" / B).exists()
    assert _snapshot(course, A) == kept and _in_gradebook(course) == [A]

    assert main(["remove", "ps01", "--force", "--course", str(course)]) == 0
    assert "the grades of 1 student(s)" in capsys.readouterr().out
    assert _in_gradebook(course) == [] and not (course / "release" / A).exists()

    assert main(["remove", "ps01", "--course", str(course)]) == 2
    assert "no single problem set matches 'ps01'" in capsys.readouterr().err


def test_remove_makes_no_gradebook_where_there_was_none(tmp_path, capsys):
    """...and takes the set's probes out of the course's package, another set's left."""
    from autograder.__main__ import main

    course = F.make_course(tmp_path / "c", [A])
    probes = course / "rnnlab" / "probes"
    probes.mkdir(parents=True)
    (probes / f"{A}.py").write_text("PROBES = {}\n")
    (probes / f"{B}.py").write_text("PROBES = {}\n")
    assert main(["remove", A, "--course", str(course)]) == 0
    assert capsys.readouterr().out == f"removed source/{A}/\nremoved rnnlab/probes/{A}.py\n"
    assert not (course / "gradebook.db").exists() and not (course / "source" / A).exists()
    assert sorted(p.name for p in probes.iterdir()) == [f"{B}.py"]
