"""The website's run cache (autograder.publishing.site.runs over jupyter-cache): a lecture's stored
run is reused only while nothing it reads has changed, is given back as it ran, and a run stored
halfway runs again; on a small course of its own (fake lectures, a fake package), not the whole site."""

import json
import os
import sys

import nbformat
import pytest

from autograder.publishing.site import build, runs

PACKAGE = 'import os\nSEED = int(os.environ.get("RNNLAB_SEED", 0))\nUNTRAINED = "RNNLAB_UNTRAINED" in os.environ\n'


@pytest.fixture
def course(tmp_path):
    """A course folder with two lectures, a package of code and data, and the site's code."""
    root = tmp_path / "course"
    (root / "notebooks").mkdir(parents=True)
    for name, text in (("01_short", "x = 1"), ("02_long", "y = 2\nprint(y)")):
        nb = nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_markdown_cell(f"# {name}"), nbformat.v4.new_code_cell(text)],
            metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        )
        nbformat.write(nb, root / "notebooks" / f"{name}.ipynb")
    (root / "rnnlab" / "data").mkdir(parents=True)
    (root / "rnnlab" / "__init__.py").write_text(PACKAGE)
    (root / "rnnlab" / "data" / "weights.pt").write_bytes(b"\x00\x01\x02")
    (root / "code").mkdir()
    (root / "code" / "bake.py").write_text("STATES = 700\n")
    return root


def key_of(course, lecture="01_short"):
    """jupyter-cache's key of the lecture's run, as the build looks it up."""
    from jupyter_cache import get_cache

    nb = runs.to_run(course / "notebooks" / f"{lecture}.ipynb", runs.inputs(course, course / "code"))
    return get_cache(course / ".site-cache").create_hashed_notebook(nb)[1]


class Dist:
    """An installed distribution as importlib.metadata gives it."""

    def __init__(self, name, version):
        self.metadata, self.version = {"Name": name}, version


# -- the key ---------------------------------------------------------------------------------
def test_the_key_changes_with_each_input(course, monkeypatch):
    """jupyter-cache hashes a notebook's code cells: a change of the course package, of the
    baking code or of the environment reaches the key through the hash the build's first cell names."""
    import importlib.metadata

    import torch

    before = key_of(course)
    lecture = course / "notebooks" / "01_short.ipynb"
    changes = {
        "a line of the lecture's code": lambda: lecture.write_text(lecture.read_text().replace("x = 1", "x = 2")),
        "a file of the package": lambda: (course / "rnnlab" / "__init__.py").write_text(PACKAGE + "STEPS = 9\n"),
        "its data": lambda: (course / "rnnlab" / "data" / "weights.pt").write_bytes(b"\x00\x01\x03"),
        "a new file in it": lambda: (course / "rnnlab" / "data" / "quiz.json").write_text("{}"),
        "the baking code": lambda: (course / "code" / "bake.py").write_text("STATES = 800\n"),
        "the CPU capability": lambda: monkeypatch.setattr(torch.backends.cpu, "get_cpu_capability", lambda: "AVX2"),
        "RNNLAB_SEED": lambda: monkeypatch.setenv("RNNLAB_SEED", "1"),
        "RNNLAB_UNTRAINED": lambda: monkeypatch.setenv("RNNLAB_UNTRAINED", "1"),
        "ATEN_CPU_CAPABILITY": lambda: monkeypatch.setenv("ATEN_CPU_CAPABILITY", "default"),
        "the threads": lambda: monkeypatch.setenv("OMP_NUM_THREADS", "7"),
        "torch's version": lambda: monkeypatch.setattr(torch, "__version__", "0.0.1"),
        "an installed package": lambda: monkeypatch.setattr(
            importlib.metadata, "distributions", lambda path: [Dist("numpy", "0.1")]
        ),
        "Python": lambda: monkeypatch.setattr(sys, "version", "3.99.0"),
    }
    seen = {before}
    for name, change in changes.items():
        change()
        now = key_of(course)
        assert now not in seen, f"the key did not change with {name}"
        seen.add(now)
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
    # the course's variables that no lecture, nor the package, reads (grading's, the tests')
    monkeypatch.setenv("RNNLAB_SANDBOX_UID_BASE", "70001")
    monkeypatch.setenv("RNNLAB_GRADEBOOK_NO_FSYNC", "1")
    # a package this process has on its path and the kernel has not (pytest's setuptools puts its
    # vendored ones there)
    vendored = course.parent / "vendored"
    (vendored / "zipp-3.23.0.dist-info").mkdir(parents=True)
    (vendored / "zipp-3.23.0.dist-info" / "METADATA").write_text("Name: zipp\nVersion: 3.23.0\n")
    monkeypatch.syspath_prepend(str(vendored))
    nb = nbformat.read(lecture, as_version=4)
    nb.cells[0].source = "# the same lecture, its text edited"  # text only: the run is the same
    nbformat.write(nb, lecture)
    assert key_of(course) == before


# -- reuse -----------------------------------------------------------------------------------
class FakeRuns:
    """run_and_bake's stand-in: each lecture "runs" at once, counted, writing the files the
    baking would, a picture named by the run's number (so a rerun is told from a reuse)."""

    def __init__(self, fail=()):
        self.ran, self.fail = [], fail

    def __call__(self, nb, path, folder):
        self.ran.append(path.stem)
        if path.stem in self.fail:
            raise runs.LectureError(f"{path.name} raised ZeroDivisionError: division by zero")
        (folder / "pictures").mkdir(parents=True)
        (folder / "pictures" / "a1b2.webp").write_bytes(f"picture {len(self.ran)}".encode())
        (folder / "probes.json").write_text(json.dumps({"run": len(self.ran)}))
        (folder / "baked.json").write_text(json.dumps({"model": {"kind": "figure", "states": {"0": [len(self.ran)]}}}))
        for count, cell in enumerate((c for c in nb.cells if c.cell_type == "code"), 1):
            cell.execution_count = count
            cell.outputs = [nbformat.v4.new_output("stream", text=f"run {len(self.ran)}\n")]
        return nb


def run_all(course, tmp_path, fresh=False):
    """The lectures of `course` as run_lectures gives them, into a new _static and probes/;
    with what it logged."""
    static = tmp_path / f"static{len(list(tmp_path.glob('static*')))}"
    probes = static.parent / (static.name + "-probes")
    static.mkdir(), probes.mkdir()
    said = []
    got, _, reused = runs.run_lectures(
        runs.lectures(course), static, probes, 2, course / ".site-cache", fresh, course, said.append
    )
    return {path.stem: run for path, run in got.items()}, static, probes, reused, said


@pytest.fixture
def fake(monkeypatch, course):
    """run_and_bake replaced by FakeRuns; the site's code hashed is the course's own (`code`)."""
    fake_runs = FakeRuns()
    monkeypatch.setattr(runs, "run_and_bake", fake_runs)
    monkeypatch.setattr(runs, "HERE", course / "code")
    return fake_runs


def files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_unchanged_lecture_is_reused_as_it_ran_and_a_changed_one_runs(course, tmp_path, fake):
    first, static1, probes1, reused, _ = run_all(course, tmp_path)
    assert sorted(fake.ran) == ["01_short", "02_long"] and reused == []
    again, static2, probes2, reused, said = run_all(course, tmp_path)
    assert sorted(fake.ran) == ["01_short", "02_long"], "an unchanged lecture ran again"
    assert reused == ["01_short", "02_long"] and "2 lecture(s) reused" in said[-1]
    assert again == first  # the notebook and baked states
    assert files(static2) == files(static1) and files(probes2) == files(probes1)  # and its files
    assert [c.cell_type for c in again["01_short"][0].cells] == ["markdown", "code"]  # the build's cells gone
    lecture = course / "notebooks" / "02_long.ipynb"
    lecture.write_text(lecture.read_text().replace("print(y)", "print(y + 1)"))
    _, _, _, reused, said = run_all(course, tmp_path)
    assert fake.ran[2:] == ["02_long"] and reused == ["01_short"]
    assert "to run (02_long)" in said[-1]


def test_a_text_edit_is_reused_with_the_new_text(course, tmp_path, fake):
    first, *_ = run_all(course, tmp_path)
    lecture = course / "notebooks" / "01_short.ipynb"
    nb = nbformat.read(lecture, as_version=4)
    nb.cells[0].source = "# 01, retitled"
    nbformat.write(nb, lecture)
    again, _, _, reused, _ = run_all(course, tmp_path)
    assert reused == ["01_short", "02_long"] and len(fake.ran) == 2
    assert again["01_short"][0].cells[0].source == "# 01, retitled"
    assert again["01_short"][0].cells[1] == first["01_short"][0].cells[1]


def test_a_change_of_the_package_runs_every_lecture_again(course, tmp_path, fake):
    run_all(course, tmp_path)
    (course / "rnnlab" / "__init__.py").write_text(PACKAGE + "STEPS = 9\n")
    _, _, _, reused, _ = run_all(course, tmp_path)
    assert reused == [] and len(fake.ran) == 4
    (course / "code" / "bake.py").write_text("STATES = 800\n")
    _, _, _, reused, _ = run_all(course, tmp_path)
    assert reused == [] and len(fake.ran) == 6


def test_fresh_runs_every_lecture_and_stores_the_new_runs(course, tmp_path, fake):
    run_all(course, tmp_path)
    fresh, _, _, reused, _ = run_all(course, tmp_path, fresh=True)
    assert len(fake.ran) == 4 and reused == []
    again, _, _, _, _ = run_all(course, tmp_path)
    assert len(fake.ran) == 4 and again == fresh  # the fresh runs, not the first


def test_a_run_stored_halfway_runs_again(course, tmp_path, fake, monkeypatch):
    """A build stopped while it stored a run (here: the disk fails before baked.json, which is
    stored last) leaves nothing the next build takes for a run, and fails naming why."""
    from jupyter_cache.cache.main import NbArtifacts

    whole = NbArtifacts.__iter__

    def stopped(self):
        for path, handle in whole(self):
            if path.name == "baked.json" and "01_short" in str(self.in_folder):
                raise OSError("stopped")
            yield path, handle

    with monkeypatch.context() as patched:
        patched.setattr(NbArtifacts, "__iter__", stopped)
        with pytest.raises(OSError, match="stopped"):
            run_all(course, tmp_path)
    _, _, _, reused, _ = run_all(course, tmp_path)
    assert reused == ["02_long"] and fake.ran[2:] == ["01_short"]  # 02 was stored whole
    _, _, _, reused, _ = run_all(course, tmp_path)
    assert reused == ["01_short", "02_long"], "the run again was not stored"


def test_a_lecture_that_fails_fails_the_build_and_the_others_are_kept(course, tmp_path, fake):
    fake.fail = ("02_long",)
    with pytest.raises(runs.LectureError, match="02_long.ipynb raised ZeroDivisionError"):
        run_all(course, tmp_path)
    fake.fail = ()
    _, _, _, reused, _ = run_all(course, tmp_path)
    assert reused == ["01_short"] and fake.ran[2:] == ["02_long"]


def test_the_runs_used_last_are_kept_and_older_ones_dropped(course, tmp_path, fake):
    """jupyter-cache keeps KEEP runs per lecture, those used last: an edited lecture's old runs go,
    the unchanged lecture's stays."""
    from jupyter_cache import get_cache

    lecture = course / "notebooks" / "02_long.ipynb"
    for n in range(4):
        nb = nbformat.read(lecture, as_version=4)
        nb.cells[1].source = f"y = {n}"
        nbformat.write(nb, lecture)
        run_all(course, tmp_path)
    cache = get_cache(course / ".site-cache")
    assert len(cache.list_cache_records()) == runs.KEEP * 2
    assert len(list((course / ".site-cache" / "executed").iterdir())) == runs.KEEP * 2
    _, _, _, reused, _ = run_all(course, tmp_path)
    assert reused == ["01_short", "02_long"]


# -- a real lecture --------------------------------------------------------------------------
@pytest.mark.slow
def test_a_small_lecture_runs_in_a_fresh_kernel_and_is_reused_as_it_ran(course, tmp_path, monkeypatch):
    """A lecture with a widget, run and baked in a kernel that jupyter_client started from this
    process (not forked from a warm one), then reused: the same notebook, the same baked states,
    and the same page drawn from them. A lecture that raises fails the build, naming it, and the
    other's run is kept."""
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    for path in runs.lectures(course):
        path.unlink()
    widget = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("import os, sys\nprint(os.getppid(), os.path.basename(sys.argv[0]))"),
            nbformat.v4.new_code_cell(
                "import ipywidgets as W\nslider = W.IntSlider(value=3, min=1, max=4)\nlabel = W.Label()\n"
                "slider.observe(lambda c: setattr(label, 'value', f'{0.9 ** c[\"new\"]:.3f}'), names='value')\n"
                "slider.value = 2\nW.HBox([slider, label])"
            ),
        ]
    )
    nbformat.write(widget, course / "notebooks" / "01_widget.ipynb")
    broken = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 / 0")])
    nbformat.write(broken, course / "notebooks" / "02_broken.ipynb")
    with pytest.raises(runs.LectureError, match="02_broken.ipynb raised ZeroDivisionError"):
        run_all(course, tmp_path)
    (course / "notebooks" / "02_broken.ipynb").unlink()
    first, _, _, reused, _ = run_all(course, tmp_path)
    assert reused == ["01_widget"], "the run of a lecture that passed was not kept"
    again, _, probes, reused, _ = run_all(course, tmp_path)
    assert reused == ["01_widget"]
    (executed, baked), (executed2, baked2) = first["01_widget"], again["01_widget"]
    parent, program = executed.cells[0].outputs[0].text.split()
    assert int(parent) == os.getpid() and program == "ipykernel_launcher.py", (parent, program)
    assert executed2 == executed and baked2 == baked and len(next(iter(baked.values()))["states"]) == 4
    assert build.page(executed2, baked2, "b/") == build.page(executed, baked, "b/")
    assert json.loads((probes / "01_widget.json").read_text())  # the probes for the site's tests
