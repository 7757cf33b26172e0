"""Lecture 03 as Colab runs it: opened alone, in a runtime with Colab's ipywidgets 7.7.1 and a
torch the course did not choose, without the course package until its first cell installs it.

The students' repository is built from HEAD (student_repo.py's fixture) and committed. A fresh
virtual environment sees the packages of `.colab/venv` (make colab-deps: deploy/colab/
requirements.txt, Colab's versions, torch 2.14.1) through a .pth file, but has no rnnlab. The
lecture, copied alone into an empty folder, runs in a kernel of that environment with one change:
its install line names the repository on this disk (git+file://) instead of GitHub. Then, in the
same kernel, every widget the lecture displayed is driven (each control moved, each button
pressed) and every other course widget is built and driven the same way, and the first cell runs
again. (docs/colab.md: where Colab's versions come from.)

These tests carry the `lectures` mark: `make test-notebooks` runs them next to nbval.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import nbformat
import pytest

from autograder.publishing import dist
from rnnlab.kernels import notebook_client
from student_repo import STUDENT_REPO, head

pytestmark = pytest.mark.lectures

REPO = Path(__file__).resolve().parents[2]
COLAB_VENV = REPO / ".colab" / "venv"
LECTURE = "03_lstm_gates.ipynb"
TORCH, IPYWIDGETS = "2.14.1", "7.7.1"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# Run in the kernel after the lecture: drives every course widget and prints what it saw.
PROBE = r'''
import gc, importlib.metadata, json, sys
import ipywidgets as W, torch
from rnnlab.widgets._base import FigureWidget
from rnnlab.widgets.quiz import CardDeck, Quiz

def walk(w):
    yield w
    for child in getattr(w, "children", ()):
        yield from walk(child)

def shown(w):
    return [getattr(x, "value", None) for x in walk(w) if isinstance(x, (W.Image, W.HTML, W.Label, W.Text))]

def move(c):
    """Set a control to another value, as a student would; False if it has only one."""
    if isinstance(c, (W.Dropdown, W.ToggleButtons, W.RadioButtons)):
        if len(c.options) < 2 and c.index is not None:
            return False
        c.index = 0 if c.index in (None, len(c.options) - 1) else c.index + 1
    elif isinstance(c, W.Checkbox):
        c.value = not c.value
    elif isinstance(c, (W.IntSlider, W.FloatSlider)):
        c.value = c.min if c.value != c.min else c.max
    elif isinstance(c, W.Button):
        c.click()
    else:
        return False
    return True

def drive(owner):
    """Each control moved from where the widget starts, then back, and each button pressed once:
    which of them changed what it shows."""
    changed = {}
    for k, c in enumerate(walk(owner.widget)):
        if isinstance(c, W.DOMWidget) and not getattr(c, "disabled", False):
            before, start = shown(owner.widget), getattr(c, "index", getattr(c, "value", None))
            if move(c):
                changed[f"{k} {type(c).__name__} {getattr(c, 'description', '')}".strip()] = shown(owner.widget) != before
                if not isinstance(c, W.Button):
                    setattr(c, "index" if hasattr(c, "index") else "value", start)
    return changed

owners = {o.widget.model_id: o for o in gc.get_objects() if issubclass(type(o), (FigureWidget, Quiz, CardDeck))}
report = {"torch": torch.__version__, "ipywidgets": W.__version__, "rnnlab": sys.modules["rnnlab"].__file__,
          "direct_url": json.loads(importlib.metadata.distribution("rnnlab").read_text("direct_url.json")),
          "live": sorted(getattr(W.Widget, "widgets", {})), "owners": {}}
for model_id, owner in owners.items():
    figure = isinstance(owner, FigureWidget)
    report["owners"][model_id] = {"class": type(owner).__name__, "figure": figure,
                                  "drawn": bool(owner.image.value) and owner.full_draws > 0 if figure else None,
                                  "changed": drive(owner)}
'''  # noqa: E501

# Every course widget that lecture 03 does not show, built as the lectures build it (shipped
# models), then driven.
OTHERS = r"""
import rnnlab.language_model as lm
from rnnlab.review import ReviewStore
from rnnlab.seq2seq import load_trained
from rnnlab.widgets import *
text = lm.code_corpus(600, seed=0)
vocab = lm.Vocab(text)
char_lm = lm.load_trained_lm(vocab)
ReviewStore().mark_studied("09")                   # so that the review has cards due
others = [RNNUnroll(), LSTMShapes(), GradientFlow(hidden_size=8, batch=2, max_length=40, length=40),
          ThresholdExplorer(torch.rand(200, generator=torch.Generator().manual_seed(0)), torch.arange(200) % 2, threshold=0.5),
          NextCharExplorer(char_lm, vocab, "x = "), CellViewer(char_lm, vocab, [text[:200], text[200:400]]),
          AttentionMap(load_trained("dot")), BeamExplorer(load_trained(None), "jihgfedcba", width=3),
          ScanTree(), Review()]
# chapter 09's real code under Colab's torch: the checked corpus is refused with what was found, and
# the lecture's found_corpus reads that torch's files instead, saying so
from rnnlab import codelm, realcode
try:
    realcode.corpus()
    report["corpus"] = {"refused": None}
except realcode.CorpusError as err:
    report["corpus"] = {"refused": str(err)}
code = realcode.found_corpus()
report["corpus"].update(exact=code.exact, note=code.note, train=len(code.train), held_out=len(code.held_out))
code_viewer = CellViewer(codelm.load_code_lm(), codelm.CODE_VOCAB, [codelm.whole_lines(code.held_out, 104994)],
                         feature="inside a string", kind="tanh(c)", layer=1, features=codelm.code_features,
                         kinds=("c", "tanh(c)"))
report["others"] = {}
for owner in others + [code_viewer]:
    figure = isinstance(owner, FigureWidget)
    report["others"][type(owner).__name__ + (" on real code" if owner is code_viewer else "")] = {
        "figure": figure, "drawn": bool(owner.image.value) and owner.full_draws > 0 if figure else None,
        "changed": drive(owner)}
print("PROBE " + json.dumps(report))
"""  # noqa: E501

# After the probe: the first cell again, with pip's runs counted.
COUNT_PIP = r"""
import subprocess
pip_runs, _run = [], subprocess.run
subprocess.run = lambda *a, **k: (pip_runs.append(a), _run(*a, **k))[1]
"""


def site_packages(venv: Path) -> Path:
    found = sorted(venv.glob("lib/python*/site-packages"))
    assert len(found) == 1, found
    return found[0]


def widget_views(nb) -> list[tuple[int, str]]:
    return [
        (i, o["data"][WIDGET_VIEW]["model_id"])
        for i, cell in enumerate(nb.cells)
        for o in cell.get("outputs", [])
        if WIDGET_VIEW in o.get("data", {})
    ]


def errors(nb) -> list[str]:
    return [
        f"cell {i}: {o['ename']}: {o['evalue']}"
        for i, cell in enumerate(nb.cells)
        for o in cell.get("outputs", [])
        if o.get("output_type") == "error" and "raises-exception" not in cell.metadata.get("tags", [])
    ]


def fresh_environment(root: Path) -> tuple[Path, Path]:
    """A virtual environment that sees .colab/venv's packages, and a kernelspec folder for it."""
    assert (COLAB_VENV / ".installed").is_file(), "no Colab-like environment: run make colab-deps"
    venv = root / "venv"
    subprocess.run([COLAB_VENV / "bin" / "python", "-m", "venv", "--without-pip", venv], check=True)
    (site_packages(venv) / "colab.pth").write_text(f"{site_packages(COLAB_VENV)}\n")
    spec = root / "jupyter" / "kernels" / "colab"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [str(venv / "bin" / "python"), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Colab-like",
                "language": "python",
                # an option ipywidgets 7 lacks (8's tooltip on any widget, a style key) is only warned
                # about there, and silently lost on Colab: an error here
                "env": {
                    "RNNLAB_REVIEW_FILE": str(root / "review.json"),
                    "PYTHONWARNINGS": "error:Passing unrecognized arguments",
                },
            }
        )
    )
    return venv, root / "jupyter"


def run(nb, folder: Path, jupyter_path: Path):
    with pytest.MonkeyPatch.context() as env:
        env.setenv("JUPYTER_PATH", str(jupyter_path))  # the kernelspec "colab"
        env.delenv("PYTHONPATH", raising=False)
        notebook_client(nb, timeout=300, kernel_name="colab", resources={"metadata": {"path": str(folder)}}).execute()
    return nb


def lecture_as_on_colab(dest: Path, folder: Path):
    """The students' lecture 03 with its install line pointing at the repository on this disk."""
    text = (dest / "notebooks" / LECTURE).read_text()
    url = f"git+https://github.com/{STUDENT_REPO}"
    assert text.count(url) == 1, f"{LECTURE}: its install line, once, is the only change ({text.count(url)})"
    folder.mkdir()
    (folder / LECTURE).write_text(text.replace(url, f"git+file://{dest}"))
    return nbformat.read(folder / LECTURE, 4)


@pytest.fixture(scope="module")
def colab(built, tmp_path_factory):
    dest, _ = built
    assert dist._commit(dest, head(REPO)).startswith("committed: ")
    root = tmp_path_factory.mktemp("colab")
    venv, jupyter_path = fresh_environment(root)
    absent = subprocess.run(
        [venv / "bin" / "python", "-c", "import importlib.util as u; print(u.find_spec('rnnlab'))"],
        capture_output=True,
        text=True,
        cwd=root,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    nb = lecture_as_on_colab(dest, root / "content")
    lecture = len(nb.cells)
    first = next(c for c in nb.cells if c.cell_type == "code")
    nb.cells += [
        nbformat.v4.new_code_cell(PROBE + OTHERS),
        nbformat.v4.new_code_cell(COUNT_PIP),
        nbformat.v4.new_code_cell(first.source),
        nbformat.v4.new_code_cell("print('pip runs:', len(pip_runs))"),
    ]
    run(nb, root / "content", jupyter_path)
    probe = next(o["text"] for o in nb.cells[lecture].outputs if o.get("text", "").startswith("PROBE "))
    return {
        "dest": dest,
        "venv": venv,
        "nb": nb,
        "lecture": lecture,
        "absent": absent,
        "report": json.loads(probe[len("PROBE ") :]),
        "folder": root / "content",
    }


def test_the_first_cell_installs_the_package_and_nothing_else(colab):
    assert colab["absent"].stdout.strip() == "None", colab["absent"].stdout + colab["absent"].stderr
    report, site = colab["report"], site_packages(colab["venv"])
    assert report["rnnlab"] == str(site / "rnnlab" / "__init__.py")
    assert report["direct_url"]["url"] == f"file://{colab['dest']}"
    assert report["direct_url"]["vcs_info"]["commit_id"] == head(colab["dest"])
    # the package alone: no torch, numpy or ipywidgets of its own over Colab's
    installed = sorted(p.name for p in site.iterdir() if p.name != "__pycache__")
    assert installed == ["colab.pth", "rnnlab", "rnnlab-0.1.0.dist-info"], installed
    assert report["torch"].split("+")[0] == TORCH and report["ipywidgets"] == IPYWIDGETS
    assert sorted(p.name for p in colab["folder"].iterdir()) == [LECTURE]  # nothing downloaded beside it


def test_the_lecture_runs_and_every_widget_it_displays_answers(colab):
    nb, lecture, report = colab["nb"], colab["lecture"], colab["report"]
    assert not errors(nb), errors(nb)
    committed = nbformat.read(REPO / "notebooks" / LECTURE, 4)
    views = widget_views(nbformat.from_dict({"cells": nb.cells[:lecture]}))
    assert [i for i, _ in views] == [i for i, _ in widget_views(committed)], "widgets displayed elsewhere"
    assert {m for _, m in views} <= set(report["live"]), "a displayed widget is gone from the kernel"
    shown = {report["owners"][m]["class"]: report["owners"][m] for _, m in views if m in report["owners"]}
    assert set(shown) == {"GateExplorer", "SequenceGates", "Quiz", "Flashcards"}, shown.keys()
    for name, seen in shown.items():
        assert seen["drawn"] is not False, f"{name} drew nothing"
        assert seen["changed"] and (all if seen["figure"] else any)(seen["changed"].values()), (name, seen["changed"])


def test_every_course_widget_works_under_colabs_ipywidgets(colab):
    import rnnlab.widgets  # here: collecting this module need not import torch

    shown = {
        colab["report"]["owners"][m]["class"] for _, m in widget_views(colab["nb"]) if m in colab["report"]["owners"]
    }
    others = colab["report"]["others"]
    assert set(rnnlab.widgets.__all__) <= shown | set(others), set(rnnlab.widgets.__all__) - shown - set(others)
    for name, seen in others.items():
        assert seen["drawn"] is not False, f"{name} drew nothing"
        assert seen["changed"] and (all if seen["figure"] else any)(seen["changed"].values()), (name, seen["changed"])


def test_the_first_cell_run_again_installs_nothing(colab):
    nb, lecture = colab["nb"], colab["lecture"]
    again = nb.cells[lecture + 2]
    assert again.source == next(c for c in nb.cells if c.cell_type == "code").source
    assert [o.get("text", "") for o in again.outputs if o["output_type"] == "stream"] == [
        f"rnnlab ready: torch {colab['report']['torch'].split('+')[0]}, seed 0, 1 CPU thread\n"
    ]
    assert nb.cells[lecture + 3].outputs[0]["text"] == "pip runs: 0\n"


def test_the_real_code_corpus_says_what_it_found_under_another_torch(colab):
    """Colab's torch is not 2.13.0: the checked corpus is refused naming both versions, and
    found_corpus (what lecture 09 calls) reads that torch's files instead and says so."""
    corpus = colab["report"]["corpus"]
    assert corpus["refused"] and f"torch {TORCH}" in corpus["refused"] and "torch==2.13.0" in corpus["refused"], corpus
    assert corpus["exact"] is False and corpus["note"].startswith(corpus["refused"]) and "will differ" in corpus["note"]
    assert corpus["train"] > 5_000_000 and corpus["held_out"] > 200_000, corpus
    assert "CellViewer on real code" in colab["report"]["others"]
