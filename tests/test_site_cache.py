"""autograder.publishing.site.runcache: a lecture's stored run is reused only while nothing it
depends on has changed, is the run as it was, and a damaged one is run again; on a small course of
its own (fake lectures, a fake package), not the whole site."""

import json

import nbformat
import pytest

from autograder.publishing.site import build, runcache


@pytest.fixture
def course(tmp_path):
    """A course folder with two lectures, a package of code and data, and the site's code."""
    root = tmp_path / "course"
    (root / "notebooks").mkdir(parents=True)
    for name, text in (("01_short", "x = 1"), ("02_long", "y = 2\nprint(y)")):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(text)])
        nbformat.write(nb, root / "notebooks" / f"{name}.ipynb")
    (root / "rnnlab" / "data").mkdir(parents=True)
    (root / "rnnlab" / "__init__.py").write_text("SEED = 0\n")
    (root / "rnnlab" / "data" / "weights.pt").write_bytes(b"\x00\x01\x02")
    (root / "code").mkdir()
    (root / "code" / "bake.py").write_text("STATES = 700\n")
    return root


def key_of(course, lecture="01_short", probe=False):
    return runcache.key(course / "notebooks" / f"{lecture}.ipynb", runcache.inputs(course, course / "code"), probe)


# -- the key ---------------------------------------------------------------------------------
def test_the_key_changes_with_each_input(course, monkeypatch):
    import torch

    before = key_of(course)
    lecture = course / "notebooks" / "01_short.ipynb"
    changes = {
        "a byte of the lecture": lambda: lecture.write_bytes(lecture.read_bytes().replace(b"x = 1", b"x = 2")),
        "a file of the package": lambda: (course / "rnnlab" / "__init__.py").write_text("SEED = 1\n"),
        "its data": lambda: (course / "rnnlab" / "data" / "weights.pt").write_bytes(b"\x00\x01\x03"),
        "a new file in it": lambda: (course / "rnnlab" / "data" / "quiz.json").write_text("{}"),
        "the site's code": lambda: (course / "code" / "bake.py").write_text("STATES = 800\n"),
        "the CPU capability": lambda: monkeypatch.setattr(torch.backends.cpu, "get_cpu_capability", lambda: "AVX2"),
        "RNNLAB_SEED": lambda: monkeypatch.setenv("RNNLAB_SEED", "1"),
        "RNNLAB_UNTRAINED": lambda: monkeypatch.setenv("RNNLAB_UNTRAINED", "1"),
        "ATEN_CPU_CAPABILITY": lambda: monkeypatch.setenv("ATEN_CPU_CAPABILITY", "default"),
        "the threads": lambda: monkeypatch.setenv("OMP_NUM_THREADS", "7"),
        "torch's version": lambda: monkeypatch.setattr(torch, "__version__", "0.0.1"),
        "an installed package": lambda: monkeypatch.setattr(runcache, "packages", lambda: ["numpy==0.1"]),
    }
    seen = {before}
    for name, change in changes.items():
        change()
        now = key_of(course)
        assert now not in seen, f"the key did not change with {name}"
        seen.add(now)
    assert key_of(course, probe=True) not in seen, "the key did not change with the probes"
    assert key_of(course, "02_long") not in seen, "two lectures have one key"


def test_the_key_stays_when_nothing_a_run_reads_changed(course, monkeypatch):
    before = key_of(course)
    lecture = course / "notebooks" / "01_short.ipynb"
    lecture.write_bytes(lecture.read_bytes())  # touched: a new time, the same bytes
    (course / "rnnlab" / "__pycache__").mkdir()
    (course / "rnnlab" / "__pycache__" / "__init__.cpython-311.pyc").write_bytes(b"compiled")
    (course / "notebooks" / "03_other.ipynb").write_text("{}")  # another lecture
    (course / "code" / "notes.txt").write_text("not code")
    monkeypatch.setenv("RNNLAB_REVIEW_FILE", "/tmp/elsewhere.json")  # a new empty file each build
    monkeypatch.setenv("SOME_EDITOR_SETTING", "1")
    assert key_of(course) == before


# -- reuse -----------------------------------------------------------------------------------
class FakeRuns:
    """run_and_bake's stand-in: each lecture "runs" at once, counted, writing a picture named by
    the run's number as the baking would (so a rerun is told from a reuse by its picture)."""

    def __init__(self):
        self.ran = []

    def __call__(self, path, static, probes=None):
        self.ran.append(path.stem)
        folder = static / "baked" / path.stem
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "a1b2.webp").write_bytes(f"picture {len(self.ran)}".encode())
        if probes is not None:
            (probes / f"{path.stem}.json").write_text(json.dumps({"run": len(self.ran)}))
        nb = nbformat.read(path, as_version=4)
        nb.cells[0].outputs = [nbformat.v4.new_output("stream", text=f"run {len(self.ran)}\n")]
        return nb, {"model": {"kind": "figure", "states": {"0": [len(self.ran)]}}}


def runs(course, tmp_path, fresh=False, probe=False):
    """The lectures of `course` as run_lectures gives them, into a new _static; with what it logged."""
    static = tmp_path / f"static{len(list(tmp_path.glob('static*')))}"
    probes = static.parent / (static.name + "-probes") if probe else None
    for folder in (static, probes):
        if folder:
            folder.mkdir()
    said = []
    got, seconds, reused = build.run_lectures(
        build.lectures(course),
        static,
        probes,
        2,
        runcache.Cache(course / ".site-cache", said.append),
        fresh,
        course,
        said.append,
    )
    return {path.stem: run for path, run in got.items()}, static, probes, reused, said


@pytest.fixture
def fake(monkeypatch, course):
    """run_and_bake replaced by FakeRuns; the site's code hashed is the course's own (`code`)."""
    runs = FakeRuns()
    monkeypatch.setattr(build, "run_and_bake", runs)
    monkeypatch.setattr(build, "HERE", course / "code")
    return runs


def files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_unchanged_lecture_is_reused_as_it_ran_and_a_changed_one_runs(course, tmp_path, fake):
    first, static1, _, reused, _ = runs(course, tmp_path)
    assert sorted(fake.ran) == ["01_short", "02_long"] and reused == []
    again, static2, _, reused, said = runs(course, tmp_path)
    assert sorted(fake.ran) == ["01_short", "02_long"], "an unchanged lecture ran again"
    assert reused == ["01_short", "02_long"] and "2 lecture(s) reused" in said[-1]
    assert again == first  # the notebook and baked states
    assert files(static2) == files(static1)  # and the pictures it wrote
    lecture = course / "notebooks" / "02_long.ipynb"
    lecture.write_text(lecture.read_text().replace("print(y)", "print(y + 1)"))
    _, _, _, reused, said = runs(course, tmp_path)
    assert fake.ran[2:] == ["02_long"] and reused == ["01_short"]
    assert "to run (02_long)" in said[-1]


def test_fresh_runs_every_lecture_and_stores_the_new_runs(course, tmp_path, fake):
    runs(course, tmp_path)
    fresh, _, _, reused, _ = runs(course, tmp_path, fresh=True)
    assert len(fake.ran) == 4 and reused == []
    again, _, _, _, _ = runs(course, tmp_path)
    assert len(fake.ran) == 4 and again == fresh  # the fresh runs, not the first


def test_the_probes_are_stored_and_given_back_under_a_key_of_their_own(course, tmp_path, fake):
    runs(course, tmp_path)  # the site's runs, without probes
    _, _, probes1, reused, _ = runs(course, tmp_path, probe=True)
    assert reused == [] and len(fake.ran) == 4
    _, _, probes2, reused, _ = runs(course, tmp_path, probe=True)
    assert reused == ["01_short", "02_long"] and files(probes2) == files(probes1)
    runs(course, tmp_path)
    assert len(fake.ran) == 4, "the site's runs were pushed out by the tests' (KEEP)"


@pytest.mark.parametrize(
    "damage",
    [
        "a picture",
        "the notebook cut short",
        "no manifest",
        "a manifest of another shape",
        "a file more",
        "the probes gone",
    ],
)
def test_a_damaged_entry_is_run_again_and_stored_anew(course, tmp_path, fake, damage):
    first, _, _, _, _ = runs(course, tmp_path, probe=True)
    (entry,) = (course / ".site-cache").glob("01_short.*")
    if damage == "a picture":
        (entry / "pictures" / "a1b2.webp").write_bytes(b"picture 9")
    elif damage == "the notebook cut short":
        text = (entry / "notebook.json").read_text()
        (entry / "notebook.json").write_text(text[: len(text) // 2])
    elif damage == "no manifest":
        (entry / "manifest.json").unlink()
    elif damage == "a manifest of another shape":
        (entry / "manifest.json").write_text("[]")
    elif damage == "a file more":
        (entry / "pictures" / "ffff.webp").write_bytes(b"left over")
    else:
        (entry / "probes.json").unlink()
    again, static, _, reused, said = runs(course, tmp_path, probe=True)
    assert reused == ["02_long"] and fake.ran[2:] == ["01_short"], damage
    assert any("01_short is damaged" in line for line in said)
    assert again["01_short"] != first["01_short"]  # a new run (its output says run 3)
    assert set(files(static / "baked" / "01_short")) == {"a1b2.webp"}
    _, _, _, reused, _ = runs(course, tmp_path, probe=True)
    assert reused == ["01_short", "02_long"], "the run again was not stored"


def test_a_stopped_store_leaves_no_entry(course, tmp_path, fake, monkeypatch):
    """A build stopped while it stored a run (here: the rename that completes it fails) leaves
    nothing the next build would take for a run."""

    def stopped(src, dst):
        raise OSError("stopped")

    with monkeypatch.context() as patched:
        patched.setattr(runcache.os, "rename", stopped)
        _, _, _, _, said = runs(course, tmp_path)
    assert list((course / ".site-cache").iterdir()) == []
    assert any("01_short was not stored (stopped)" in line for line in said)
    _, _, _, reused, _ = runs(course, tmp_path)
    assert reused == [] and len(fake.ran) == 4


# -- a real lecture --------------------------------------------------------------------------
@pytest.mark.slow
def test_a_small_lecture_run_in_a_kernel_is_reused_as_it_ran(course, tmp_path, monkeypatch):
    """A lecture with a widget, run and baked in a kernel, then reused: the same notebook, the same
    baked states, and the same page drawn from them."""
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    for path in build.lectures(course):
        path.unlink()
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "import ipywidgets as W\nslider = W.IntSlider(value=3, min=1, max=4)\nlabel = W.Label()\n"
                "slider.observe(lambda c: setattr(label, 'value', f'{0.9 ** c[\"new\"]:.3f}'), names='value')\n"
                "slider.value = 2\nW.HBox([slider, label])"
            )
        ]
    )
    nbformat.write(nb, course / "notebooks" / "01_widget.ipynb")
    first, _, _, reused, _ = runs(course, tmp_path)
    assert reused == []
    again, _, _, reused, _ = runs(course, tmp_path)
    assert reused == ["01_widget"]
    (executed, baked), (executed2, baked2) = first["01_widget"], again["01_widget"]
    assert executed2 == executed and baked2 == baked and len(next(iter(baked.values()))["states"]) == 4
    assert build.page(executed2, baked2, "b/") == build.page(executed, baked, "b/")
