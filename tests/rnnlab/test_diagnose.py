"""Issue 32, first part: the catalogue of misconceptions and the diagnosis by behaviour
(rnnlab.diagnose, rnnlab/probes/, autograder/authoring/catalogue.py), for the problem sets that have a
catalogue. Every catalogued wrong solution is named as its own entry; the instructor's solution
and the right alternatives are never named; the shipped file holds
fingerprints, not code or numbers, and is what the catalogue builds, here and as another CPU."""

import copy
import json
import os
import re
import subprocess
import sys
import time

import pytest
import torch

from autograder.authoring import catalogue as C
from autograder.authoring import fixtures as F
from autograder.course.folder import REPO
from autograder.course.problemsets import PROBES_PACKAGE, problem_sets
from rnnlab import diagnose as D

SETS = C.catalogued()


def _exercise_of(assignment: str) -> dict[str, str]:
    entries, _ = C.entries_of(assignment)
    return {m: e["exercise"] for e in entries for m in e["mutants"]}


@pytest.fixture(scope="module", params=SETS)
def catalogued(request):
    assignment = request.param
    source_nb = C.source_notebook(assignment)
    entries, skipped = C.entries_of(assignment)
    return assignment, source_nb, entries, skipped


def test_every_set_with_mutants_has_a_catalogue():
    """Issue 32: every problem set with wrong solutions has its catalogue (and its probes)."""
    with_mutants = [ps.name for ps in problem_sets() if any(ps.fixtures("mutants").glob("*.py"))]
    assert with_mutants and SETS == with_mutants, (SETS, with_mutants)
    from importlib import import_module

    for assignment in SETS:
        assert import_module(f"rnnlab.probes.{assignment}").PROBES, assignment
    # and no set's probes outlive it (make remove-assignment deletes them with its folder)
    sets = {ps.name for ps in problem_sets()}
    assert [p.name for p in (REPO / PROBES_PACKAGE).glob("ps*.py") if p.stem not in sets] == []


def test_the_shipped_catalogues_are_what_the_catalogue_builds():
    assert C.main(["--check"]) == 0


def test_every_example_is_named_as_its_own_entry(catalogued):
    assignment, source_nb, entries, _ = catalogued
    mutants = {fx.name: fx for fx in F.fixtures_for(assignment, "mutants")}
    for e in entries:
        for name in e["mutants"]:
            got = D.diagnose(assignment, e["exercise"], C.namespace(mutants[name], source_nb))
            assert got.entry is not None and got.entry.id == e["id"], (name, got)
            said = " ".join(got.text().split())
            assert e["title"] in said and e["section"] in said
            assert all(len(line) <= 92 for line in got.text().splitlines())


def test_right_answers_are_never_named(catalogued):
    assignment, source_nb, entries, _ = catalogued
    exercises = sorted({e["exercise"] for e in entries})
    right = [F.SOLUTION] + F.fixtures_for(assignment, "alternatives")
    for fx in right:
        names = C.namespace(fx, source_nb)
        for exercise in exercises:
            got = D.diagnose(assignment, exercise, names)
            assert got.entry is None and got.candidates == [], (fx.name, exercise, got)
            assert "not one of the mistakes the course knows" in got.text()


def test_a_corrupted_fingerprint_or_no_probes_names_nothing(catalogued, monkeypatch):
    """The checks above can fail: change one hash of an entry, or take the probes away, and its
    example is no longer named."""
    assignment, source_nb, entries, _ = catalogued
    e = entries[0]
    fx = next(fx for fx in F.fixtures_for(assignment, "mutants") if fx.name == e["mutants"][0])
    names = C.namespace(fx, source_nb)
    shipped = D.catalogue(assignment)[e["exercise"]]
    broken = copy.deepcopy(shipped)
    target = next(x for x in broken if x.id == e["id"])
    target.fingerprints = [[("0" * 24 if k == 0 else p) for k, p in enumerate(fp)] for fp in target.fingerprints]
    prints = D.run_probes(assignment, e["exercise"], names)
    assert D.match(e["exercise"], prints, shipped).entry.id == e["id"]
    assert D.match(e["exercise"], prints, broken).entry is None
    module = __import__(f"rnnlab.probes.{assignment}", fromlist=["PROBES"])
    monkeypatch.setattr(module, "PROBES", {})
    assert D.diagnose(assignment, e["exercise"], names).entry is None


def test_the_shipped_file_holds_hashes_and_words_only(catalogued):
    """What the students' distribution ships: no code, no number, and nothing that the solution's
    own results hash to (a student cannot recover the solution's outputs from it)."""
    assignment, source_nb, entries, _ = catalogued
    data = json.loads((D.DATA / f"{assignment}.json").read_text())
    solution = C.namespace(F.SOLUTION, source_nb)
    assert set(data) == {"assignment", "entries", "exercises"}
    for facts in data["exercises"].values():
        assert set(facts) == {"keeps_dtype", "keeps_inputs", "python_numbers"} and all(
            isinstance(v, bool) for v in facts.values()
        )
    for item in data["entries"]:
        assert set(item) - {"match"} == {"id", "exercise", "title", "explain", "section", "fingerprints"}
        assert item.get("match", "structure") == "structure"
        right = D.fingerprints_only(D.run_probes(assignment, item["exercise"], solution), item.get("match", "values"))
        for prints in item["fingerprints"]:
            assert len(prints) == len(right) and all(re.fullmatch(r"[0-9a-f]{24}", p) for p in prints)
            assert prints != right, "the solution's own fingerprints are shipped"
        assert "def " not in item["explain"] and "return" not in item["explain"]
    # the solution's results hold decimals (each tensor's scale); none of them is in the file
    # (hex hashes hold no '.', so a decimal found there would be a number of the solution's).
    # Probes whose results are whole numbers (docs/authoring.md's toy reverses positions) leave
    # none to look for; ps03's leave some, so the search is never empty everywhere.
    sol_values = [D.canonical(p(solution)) for _, p in D.probes_for(assignment, entries[0]["exercise"])]
    decimals = set(re.findall(r"-?\d+\.\d{3,}", json.dumps(sol_values)))
    assert decimals or assignment != A, f"{A}'s solution gave no decimal to look for in its shipped file"
    assert not any(n in json.dumps(data) for n in decimals)


def test_a_diagnosis_is_quick_and_leaves_the_students_state_alone(catalogued):
    assignment, source_nb, entries, _ = catalogued
    names = C.namespace(F.SOLUTION, source_nb)
    torch.manual_seed(123)
    before = torch.get_rng_state()
    began = time.perf_counter()
    for exercise in sorted({e["exercise"] for e in entries}):
        D.diagnose(assignment, exercise, names)
    seconds = time.perf_counter() - began
    assert torch.equal(torch.get_rng_state(), before), "the diagnosis moved the student's random state"
    assert seconds < 1.0, f"{seconds:.2f} s for every exercise of {assignment}"


@pytest.mark.sweep
def test_the_fingerprints_are_the_same_on_another_cpu():
    """A student's laptop computes other low bits than this machine; rounded float64 results
    must hash the same (rnnlab.tools other-cpu: the nearest other instruction set here)."""
    other = subprocess.run(
        [sys.executable, "-m", "rnnlab.tools", "other-cpu"], capture_output=True, text=True, check=True
    ).stdout.split()
    if not other:
        pytest.skip("this CPU already runs PyTorch's default kernels")
    env = dict(os.environ, **dict(item.split("=", 1) for item in other))
    proc = subprocess.run(
        [sys.executable, "-m", "autograder.authoring.catalogue", "--check"], env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_computed_float32_results_hash_by_dtype_and_exact_ones_by_value():
    """Float32 arithmetic ends in other last bits on another CPU (a fresh clone's make test on an
    Intel AVX-512 machine named no mistake for ps03's float32 answer, built elsewhere): a computed
    float32 result must hash the same whatever its last bits; float64 noise in the last bits and
    exact float32 values (one-hot codes, halves) still tell results apart."""
    computed = torch.linspace(-1, 1, 200, dtype=torch.float32).sigmoid()
    nudged = torch.nextafter(computed, torch.full_like(computed, 2.0))  # one ulp up, every value
    assert D.fingerprint("p", computed) == D.fingerprint("p", nudged)
    assert D.fingerprint("p", computed) != D.fingerprint("p", computed[:-1])  # shape counts
    assert D.fingerprint("p", computed) != D.fingerprint("p", computed.double())  # dtype counts
    wide = torch.linspace(-1, 1, 200, dtype=torch.float64).sigmoid()
    assert D.fingerprint("p", wide) == D.fingerprint("p", torch.nextafter(wide, torch.full_like(wide, 2.0)))
    assert D.fingerprint("p", wide) != D.fingerprint("p", wide.flip(0))
    # computed in float32 and cast back (ps11's log_scan in float32: the float64 gradients of its
    # inputs differed in the sixth digit between this course's CPUs): hashed as float32 is
    cast = computed.double()
    assert D.fingerprint("p", cast) == D.fingerprint("p", nudged.double())
    assert D.fingerprint("p", cast) != D.fingerprint("p", wide) != D.fingerprint("p", computed)
    onehot, halves = torch.eye(4), torch.arange(8, dtype=torch.float32) * 0.5
    assert D.fingerprint("p", onehot) != D.fingerprint("p", onehot.roll(1, 0))
    assert D.fingerprint("p", halves) != D.fingerprint("p", halves.flip(0))


# -- where a student sees it: the visible tests, in a kernel --------------------------------------

A = "ps03_lstm_gates"


def _error_text(cell) -> str:
    return "\n".join(
        "\n".join(o.get("traceback", [])) + o.get("text", "")
        for o in cell.get("outputs", [])
        if o.get("output_type") in ("error", "stream")
    )


@pytest.fixture(scope="module")
def ran_in_a_kernel(tmp_path_factory):
    """ps03 as released, answered twice and run as a student runs it: (1) two catalogued mistakes,
    (2) a mistake the catalogue does not know in exercise 1 and the right answer in exercise 2."""
    import nbformat

    from rnnlab.kernels import notebook_client

    release = nbformat.read(C.REPO / "release" / A / f"{A}.ipynb", 4)
    source = C.source_notebook(A)
    mutants = {fx.name: fx for fx in F.fixtures_for(A, "mutants")}
    known = F.Fixture("known", {}, edits={**mutants["step_gate_order"].edits, **mutants["gates_c_off_by_one"].edits})
    unknown = F.Fixture("unknown", {}, edits={"lstm_step_backward": [("h_new = o * tanh_c", "h_new = 2 * o * tanh_c")]})
    out = {}
    folder = tmp_path_factory.mktemp("kernel")
    for fx in (known, unknown):
        nb = nbformat.reads(F.build(fx, release, source), 4)
        notebook_client(
            nb, kernel_name="python3", allow_errors=True, timeout=120, resources={"metadata": {"path": str(folder)}}
        ).execute()
        out[fx.name] = {
            c.metadata["nbgrader"]["grade_id"]: c
            for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade_id", "").endswith("_visible")
        }
    return out


def _seconds(cell) -> float:
    from datetime import datetime

    t = cell.metadata["execution"]
    parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))
    return (parse(t["shell.execute_reply"]) - parse(t["iopub.execute_input"])).total_seconds()


def test_a_failed_visible_test_names_the_known_mistake_under_its_error(ran_in_a_kernel):
    entries = {e.id: e for es in D.catalogue(A).values() for e in es}
    for gid, entry in (
        ("lstm_step_backward_visible", "step-gate-order"),
        ("lstm_all_gates_visible", "gates-c-off-by-one"),
    ):
        cell = ran_in_a_kernel["known"][gid]
        text = " ".join(_error_text(cell).split())
        assert "AssertionError" in text, text
        assert f"Looks like: {entries[entry].title}." in text and entries[entry].section in text, text
        assert text.index("AssertionError") < text.index("Looks like:"), "the diagnosis goes under the error"
        assert _seconds(cell) < 2.5, f"{gid} took {_seconds(cell):.2f} s with its diagnosis"


def test_an_unknown_mistake_says_so_and_a_passed_test_says_nothing(ran_in_a_kernel):
    text = " ".join(_error_text(ran_in_a_kernel["unknown"]["lstm_step_backward_visible"]).split())
    assert "AssertionError" in text and "not one of the mistakes the course knows" in text, text
    assert "Looks like" not in text
    passed = ran_in_a_kernel["unknown"]["lstm_all_gates_visible"]
    assert not any(o.get("output_type") == "error" for o in passed.outputs)
    assert "mistake" not in "".join(o.get("text", "") for o in passed.outputs)


# ---- issue 53: errors by kind, shared mistakes, structure ------------------------------------


@pytest.mark.parametrize(
    "err, kind",
    [
        (ZeroDivisionError("float division by zero"), "other"),
        (RuntimeError("expected scalar type Double but found Float"), "dtype"),
        (RuntimeError("expected m1 and m2 to have the same dtype, but got: float != double"), "dtype"),
        (
            RuntimeError("The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1"),
            "shape",
        ),
        (RuntimeError("mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"), "shape"),
        (IndexError("Dimension out of range (expected to be in range of [-2, 1], but got 2)"), "index"),
        (
            RuntimeError(
                "one of the variables needed for gradient computation has been modified by an inplace operation"
            ),
            "in-place",
        ),
        (RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn"), "graph"),
        (TypeError("unsupported operand type(s) for +: 'int' and 'NoneType'"), "type"),
    ],
)
def test_an_error_is_fingerprinted_by_its_kind(err, kind):
    assert D.error_kind(err) == kind
    record = D.call(lambda: (_ for _ in ()).throw(err))
    assert record["result"] == {"raised": type(err).__name__, "kind": kind}


def test_two_errors_of_one_type_and_two_kinds_are_two_behaviours():
    def shape(x):
        return x @ torch.ones(5, 5, dtype=torch.float64)

    def dtype(x):
        return x @ torch.ones(3, 3)

    x = torch.ones(2, 3, dtype=torch.float64)
    assert D.fingerprint("p", D.call(shape, x)) != D.fingerprint("p", D.call(dtype, x))


def test_signs_say_what_an_answer_shows_whatever_the_right_result():
    x = torch.ones(3, dtype=torch.float64)

    def in_place(t):
        t.add_(1)
        return t.sum().item()

    assert D.signs(D.call(in_place, x)) == ["changed"]
    assert D.signs(D.call(lambda t: t.float(), x)) == ["float32"]
    assert D.signs(D.call(lambda t: t.float(), x.float())) == []  # float32 given: float32 may be right
    assert D.signs(D.call(lambda t: t.sum(), x)) == ["tensor0d"]
    assert D.signs(D.call(lambda t: t.shape, x)) == ["size"]
    assert D.signs(D.call(lambda t: t.numpy().sum(), x)) == ["numpy"]
    assert D.refusal(D.call(lambda t: t, x), {"refuse"}) == ["no-error"]
    assert D.refusal(D.call(lambda t: (_ for _ in ()).throw(AssertionError("no")), x), {"refuse"}) == ["wrong-error"]
    assert D.refusal(D.call(lambda t: (_ for _ in ()).throw(ValueError("no")), x), {"refuse"}) == []
    assert D.refusal(D.call(lambda t: t, x), set()) == []


def test_a_shared_mistake_is_named_in_the_exercises_words_and_a_set_entry_comes_first():
    facts = {"keeps_dtype": True, "keeps_inputs": True, "python_numbers": False}
    shared = D.generic_entries("my_exercise", facts)
    assert {e.rule for e in shared} == set(D.GENERIC) - {"number-tensor", "torch-size"}
    assert all("my_exercise" in e.title for e in shared if "{ex}" in D.GENERIC[e.rule][1])
    own = D.Entry("own", "my_exercise", "own story", "x", "y", fingerprints=[["a" * 24, "b" * 24]])
    changed = ["a" * 24 + "/" + "c" * 24 + " changed", "b" * 24 + "/" + "d" * 24]
    assert D.match("my_exercise", changed, [own] + shared).entry.id == "own"
    other = ["e" * 24 + "/" + "c" * 24 + " changed", "f" * 24 + "/" + "d" * 24]
    assert D.match("my_exercise", other, [own] + shared).entry.id == "shared-changes-inputs"
    # a float32 start state: a dtype error only where the state is left out
    state = ["1" * 24 + " tag:no_state,raised:dtype", "2" * 24]
    assert D.match("my_exercise", state, shared).entry.id == "shared-state-float32"
    anywhere = ["1" * 24 + " tag:no_state,raised:dtype", "2" * 24 + " raised:dtype"]
    assert D.match("my_exercise", anywhere, shared).entry.id == "shared-dtype-mix"
    # the error a refused input must raise is no failure of the size-one kind
    refused = ["1" * 24 + " tag:refuse,raised:other", "2" * 24 + " tag:size_one,raised:shape"]
    assert D.match("my_exercise", refused, shared).entry.id == "shared-size-one"
    assert D.match("my_exercise", ["1" * 24, "2" * 24], shared).entry is None


def test_a_structure_entry_is_told_by_the_skeleton_after_the_value_entries():
    values = D.Entry("by-values", "ex", "t", "x", "y", fingerprints=[["a" * 24]])
    shape = D.Entry("by-structure", "ex", "t", "x", "y", fingerprints=[["s" * 24]], match="structure")
    assert D.match("ex", ["a" * 24 + "/" + "s" * 24], [values, shape]).entry.id == "by-values"
    assert D.match("ex", ["b" * 24 + "/" + "s" * 24], [values, shape]).entry.id == "by-structure"
    assert D.match("ex", ["b" * 24 + "/" + "t" * 24], [values, shape]).entry is None
    record = D.call(lambda t: (t.sum(), [1, 2.0]), torch.ones(2, dtype=torch.float64))
    assert D.skeleton(record) == {
        "result": {"tuple": [{"tensor": "torch.float64", "shape": []}, {"list": ["int", "float"]}]},
        "inputs changed": False,
    }
