"""Every notebook opens in Colab and on Binder, and its first cell installs the course package
only where it is missing (rnnlab.colab; tests/notebooks/test_colab.py runs lecture 03 that way)."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import types
from pathlib import Path

import ipywidgets
import nbformat
import torch

import rnnlab
from rnnlab import colab, course

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def first_cells(path: Path):
    nb = nbformat.read(path, 4)
    return (next(c for c in nb.cells if c.cell_type == "markdown"), next(c for c in nb.cells if c.cell_type == "code"))


def test_every_lecture_opens_itself_in_colab_and_on_binder():
    names = {p.name for p in NOTEBOOKS}
    assert {"00_start_here.ipynb", "10_seq2seq_attention.ipynb", "cheatsheet.ipynb"} <= names
    for path in NOTEBOOKS:
        markdown, _ = first_cells(path)
        line = colab.links(path.name)
        assert line in markdown.source.splitlines(), path.name
        targets = re.findall(r"\]\(([^)]+)\)", line)
        assert [t.split("/", 2)[2].split("/")[0] for t in targets] == ["colab.research.google.com", "mybinder.org"]
        assert all(t.endswith(f"notebooks/{path.name}") for t in targets), line
        assert "![" not in markdown.source, f"{path.name}: a badge image shows as a broken icon offline"


def test_the_links_have_the_forms_the_readme_and_colab_use():
    """The Binder link is the README's badge link for the start page; the Colab link opens the
    file on the branch the students' repository is committed on."""
    badge = re.search(r"\]\((https://mybinder\.org/v2/gh/[^)]+)\)", (REPO / "README.md").read_text()).group(1)
    assert badge in colab.links("00_start_here.ipynb")
    assert "(https://colab.research.google.com/github/a/b/blob/main/notebooks/03_lstm_gates.ipynb)" in colab.links(
        "03_lstm_gates.ipynb", "a/b"
    )


def test_every_first_code_cell_starts_with_the_same_install_lines():
    for path in NOTEBOOKS:
        _, code = first_cells(path)
        assert code.source.startswith(colab.INSTALL + "from rnnlab import setup\n"), path.name
    pip = " ".join(re.search(r"subprocess\.run\((\[.*?\])", colab.INSTALL, re.S).group(1).split())
    assert pip == '[sys.executable, "-m", "pip", "install", "-q", "git+https://github.com/OWNER/REPO"]'
    assert max(len(line) for line in colab.INSTALL.splitlines()) <= 100  # read at a glance
    for word in ("==", ">=", "torch", "numpy", "ipywidgets", "drive", "wget", "curl", "--upgrade", "-U "):
        assert word not in colab.INSTALL, word


def run_install(monkeypatch, capsys, installed: bool) -> list:
    calls = []
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: object() if installed else None)
    monkeypatch.setattr(subprocess, "run", lambda *args, **kwargs: calls.append((args, kwargs)))
    exec(colab.INSTALL, {})
    assert capsys.readouterr() == ("", "")
    return calls


def test_the_install_lines_run_pip_only_where_the_package_is_missing(monkeypatch, capsys):
    assert run_install(monkeypatch, capsys, installed=True) == []
    assert run_install(monkeypatch, capsys, installed=False) == [
        (([sys.executable, "-m", "pip", "install", "-q", "git+https://github.com/OWNER/REPO"],), {"check": True})
    ]


def test_the_setup_check_takes_colabs_own_torch_and_ipywidgets(monkeypatch, capsys):
    """On Colab the start page's check does not ask for torch 2.13.0, ipywidgets 8 or `make lab`."""
    rnnlab.setup(quiet=True)
    monkeypatch.setattr(torch, "__version__", "2.11.0+cpu")
    monkeypatch.setattr(ipywidgets, "__version__", "7.7.1")
    assert course.report_setup() is False
    assert "make lab" in capsys.readouterr().out
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    assert colab.on_colab()
    assert course.report_setup() is True
    out = capsys.readouterr().out
    assert "OK      torch 2.11.0+cpu and ipywidgets 7.7.1, Colab's own" in out and "make lab" not in out
    monkeypatch.setattr(torch, "get_num_threads", lambda: 2)  # what Colab can fix is still checked
    assert course.report_setup() is False


def test_the_colab_like_environment_has_colabs_ipywidgets_and_another_torch():
    """deploy/colab/requirements.txt (make colab-deps, before `make test` times anything): every
    package pinned, ipywidgets 7.7.1 as on Colab, and a torch that is not the course's."""
    lines = [
        line.split("#")[0].strip() for line in (REPO / "deploy" / "colab" / "requirements.txt").read_text().splitlines()
    ]
    pins = dict(line.split("==") for line in lines if line)
    assert all("==" in line for line in lines if line)
    course = dict(
        line.split("#")[0].strip().split("==")
        for line in (REPO / "requirements.txt").read_text().splitlines()
        if line.startswith("torch==")
    )
    assert pins["ipywidgets"] == "7.7.1" and pins["torch"] != course["torch"] and "rnnlab" not in pins
    recipe = subprocess.run(
        ["make", "-n", "-W", "deploy/colab/requirements.txt", "colab-deps"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "--no-deps -r deploy/colab/requirements.txt" in recipe, recipe
    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"^test: .*\bcolab-deps\b", makefile, re.M) and re.search(
        r"^test-notebooks: .*\bcolab-deps\b", makefile, re.M
    )
