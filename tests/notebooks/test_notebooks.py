"""Lecture notebooks follow the course's conventions, and strict nbval really checks them."""

import re
import subprocess
import sys

import nbformat
import pytest

from lecture_list import LECTURES, REPO, START, WIDGET_STATE


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]


def test_there_are_lectures():
    assert any(p.name == "03_lstm_gates.ipynb" for p in LECTURES)


@pytest.mark.parametrize("path", LECTURES, ids=[p.stem for p in LECTURES])
def test_committed_executed(path):
    nb = nbformat.read(path, 4)
    cells = code_cells(nb)
    counts = [c.execution_count for c in cells]
    assert all(counts), f"{path.name}: cells without an execution count; run make execute-notebooks"
    assert counts == sorted(counts) and len(set(counts)) == len(counts), "executed out of order"
    assert sum(bool(c.outputs) for c in cells) >= len(cells) // 2
    for cell in cells:
        for out in cell.outputs:
            assert out.output_type != "error" or "raises-exception" in cell.metadata.get("tags", []), (
                f"{path.name}: an error output in a cell not tagged raises-exception"
            )


@pytest.mark.parametrize("path", LECTURES, ids=[p.stem for p in LECTURES])
def test_conventions(path):
    nb = nbformat.read(path, 4)
    first = code_cells(nb)[0].source
    assert "from rnnlab import setup" in first and "setup()" in first, "start with the setup cell"
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for mode in ("Predict first", "Pitfall", "Quiz", "flashcards", "Key takeaways"):
        assert mode.lower() in text.lower(), f"{path.name} lacks the learning mode {mode!r}"
    number = path.name[:2]
    sources = "\n".join(c.source for c in nb.cells)
    assert f'Quiz("{number}")' in sources and f'Flashcards("{number}")' in sources
    # cells tagged nbval-ignore-output must assert their claim: tests/notebooks/test_claims.py
    marked = [c for c in nb.cells if "NBVAL_" in c.source]
    assert not marked, f"{path.name}: nbval markers belong in cell tags, not in the code students read"
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"


def test_strict_nbval_fails_on_a_changed_output(tmp_path):
    """Guards against a setup that checks nothing: a wrong stored output must fail."""
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("print(6 * 7)"), nbformat.v4.new_code_cell("print(hex(id(object())))")]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    from rnnlab.kernels import notebook_client

    notebook_client(nb, kernel_name="python3").execute()
    good, bad = tmp_path / "good.ipynb", tmp_path / "bad.ipynb"
    nbformat.write(nb, good)
    nb.cells[0].outputs[0]["text"] = "41\n"
    nbformat.write(nb, bad)
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--nbval",
        "--nbval-sanitize-with",
        str(REPO / "notebooks" / "sanitize.cfg"),
    ]
    assert subprocess.run(cmd + [str(good)], capture_output=True).returncode == 0  # address sanitized
    assert subprocess.run(cmd + [str(bad)], capture_output=True).returncode != 0


def _links(nb):
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return [
        link for link in re.findall(r"\]\(([^)#]+\.ipynb)\)", text) if not link.startswith("https://")
    ]  # Colab and Binder: tests/notebooks/test_colab_links.py


def test_start_page_links_every_chapter_and_problem_set():
    nb = nbformat.read(START, 4)
    links = _links(nb)
    for link in links:
        assert (START.parent / link).resolve().exists(), f"broken link in the start page: {link}"
    targets = {(START.parent / l).resolve() for l in links}
    for lecture in LECTURES:
        assert lecture.resolve() in targets, f"the start page does not link {lecture.name}"
    for ps in sorted((REPO / "release").glob("ps*/ps*.ipynb")):
        assert ps.resolve() in targets, f"the start page does not link {ps.name}"
    assert (REPO / "notebooks" / "cheatsheet.ipynb").resolve() in targets


@pytest.mark.parametrize("path", [START, REPO / "notebooks" / "cheatsheet.ipynb"], ids=["start", "cheatsheet"])
def test_start_page_and_cheat_sheet_are_committed_executed(path):
    nb = nbformat.read(path, 4)
    cells = code_cells(nb)
    assert "setup()" in cells[0].source
    # the start page's setup check is saved unrun: test_start_pages_setup_check_shows_nothing_until_it_runs
    assert all(c.execution_count for c in (cells[1:] if path == START else cells))
    assert not any(o.output_type == "error" or o.get("name") == "stderr" for c in cells for o in c.outputs)


def test_start_pages_setup_check_shows_nothing_until_it_runs():
    """A student opening the start page sees the setup check with no output, not the author's
    "Your setup is ready." (issue 31). The cell is tagged saved-without-output, so that
    `rnnlab.tools execute` stores it that way again. Without an execution count nbval takes it as
    unrun: it still runs it (an error fails) and compares nothing; what it prints is checked by
    report_setup's unit test."""
    from rnnlab.tools import SAVED_WITHOUT_OUTPUT

    setup = code_cells(nbformat.read(START, 4))[0]
    assert "report_setup()" in setup.source
    assert setup.outputs == [] and setup.execution_count is None, setup.outputs
    assert SAVED_WITHOUT_OUTPUT in setup.metadata.get("tags", [])
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):  # the tag means no output
        for cell in code_cells(nbformat.read(path, 4)):
            if SAVED_WITHOUT_OUTPUT in cell.metadata.get("tags", []):
                assert not cell.outputs and cell.execution_count is None, f"{path.name}: {cell.source[:60]}"


# rnnlab's training functions; each shows a progress bar unless told progress=False
TRAINERS = {
    "fit",
    "train",
    "train_classifier",
    "train_forecaster",
    "train_bracket_counter",
    "train_tagger",
    "train_adding",
    "depth_experiment",
    "depth_run",
}
# cells with an optimiser step in a loop that need no bar, each with its reason
NO_BAR = {
    "optimizer.step()\nexcept RuntimeError": "the detach pitfall: stops at the second chunk",
    "backward(retain_graph=True)\n        step_opt.step()": "the retain_graph pitfall: stops at the second chunk",
}


def bar_problems(nb) -> list[str]:
    import ast

    problems = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or any(snippet in cell.source for snippet in NO_BAR):
            continue
        code = "\n".join("" if line.lstrip().startswith("%") else line for line in cell.source.splitlines())
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name in TRAINERS and any(
                    k.arg == "progress" and isinstance(k.value, ast.Constant) and k.value.value is False
                    for k in node.keywords
                ):
                    problems.append(f"cell {i}: {name}(..., progress=False) trains without a bar")
            if isinstance(node, ast.For):
                steps = [
                    n
                    for n in ast.walk(node)
                    if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "step" and not n.args
                ]
                if (
                    steps
                    and "tqdm" not in cell.source
                    and not any(
                        isinstance(n, ast.Call) and getattr(n.func, "id", getattr(n.func, "attr", "")) in TRAINERS
                        for n in ast.walk(node)
                    )
                ):
                    problems.append(f"cell {i}: a training loop without a tqdm bar")
    return problems


@pytest.mark.parametrize("path", LECTURES, ids=[p.stem for p in LECTURES])
def test_cells_that_train_show_a_progress_bar(path):
    problems = bar_problems(nbformat.read(path, 4))
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


def test_the_bar_check_can_fail():
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("model = train_forecaster(m, x, y, steps=9, progress=False)"),
            nbformat.v4.new_code_cell("for step in range(9):\n    loss.backward()\n    opt.step()"),
            nbformat.v4.new_code_cell("for step in tqdm(range(9)):\n    opt.step()"),
            nbformat.v4.new_code_cell("runs = [train_adding('rnn', seed) for seed in (0, 1)]"),
        ]
    )
    assert [p.split(":")[0] for p in bar_problems(nb)] == ["cell 0", "cell 1"]


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.mark.parametrize("path", LECTURES + [START], ids=[p.stem for p in LECTURES] + ["start"])
def test_widgets_show_before_anything_runs(path):
    """Every widget output has its saved state, so a reader sees the widget, not VBox(...) text."""
    nb = nbformat.read(path, 4)
    views = [
        out.data[WIDGET_VIEW]["model_id"]
        for c in code_cells(nb)
        for out in c.outputs
        if out.output_type in ("display_data", "execute_result") and WIDGET_VIEW in out.get("data", {})
    ]
    assert views, f"{path.name} shows no widget"
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    missing = [m for m in views if m not in state]
    assert not missing, f"{path.name}: {len(missing)} widgets without saved state; run make execute-notebooks"
    for model_id in views:  # and the state holds the whole tree of each
        todo, seen = [model_id], set()
        while todo:
            m = todo.pop()
            if m in seen:
                continue
            seen.add(m)
            assert m in state, f"{path.name}: widget {model_id} refers to {m}, which was not saved"
            for value in state[m]["state"].values():
                refs = value if isinstance(value, list) else [value]
                todo += [r[len("IPY_MODEL_") :] for r in refs if isinstance(r, str) and r.startswith("IPY_MODEL_")]


def saved_option_lists(nb) -> list[list[str]]:
    """The option labels of every choice widget in a notebook's saved widget state."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    return [m["state"]["_options_labels"] for m in state.values() if "_options_labels" in m.get("state", {})]


def stale_questions(nb, quiz) -> list[str]:
    """The ids of the quiz's questions whose choices no saved choice widget shows, in order."""
    saved = saved_option_lists(nb)
    return [
        q.id
        for q in quiz.questions
        if not any(
            len(labels) == len(q.choices) and all(text in label for text, label in zip(q.choices.values(), labels))
            for labels in saved
        )
    ]


@pytest.mark.parametrize("path", LECTURES, ids=[p.stem for p in LECTURES])
def test_the_saved_quiz_shows_the_quiz_of_today(path):
    """A lecture's saved quiz widget is what a reader sees on a code host before running anything:
    after a quiz's choices change (issue 78 shortened 13 keys), the lecture is executed again."""
    from rnnlab.quiz import available_chapters, load_quiz

    chapter = path.name[:2]
    if chapter not in available_chapters():
        pytest.skip(f"chapter {chapter} has no quiz")
    stale = stale_questions(nbformat.read(path, 4), load_quiz(chapter))
    assert not stale, (
        f"{path.name}: the saved quiz widget shows other choices for {', '.join(stale)}; "
        f"run python -m rnnlab.tools execute {path.relative_to(REPO)}"
    )


def test_the_stale_quiz_check_can_fail():
    import dataclasses

    from rnnlab.quiz import load_quiz

    nb, quiz = nbformat.read(LECTURES[0], 4), load_quiz(LECTURES[0].name[:2])
    assert stale_questions(nb, quiz) == []
    first = quiz.questions[0]
    changed = dataclasses.replace(first, choices={**first.choices, "a": first.choices["a"] + " (changed)"})
    assert stale_questions(nb, dataclasses.replace(quiz, questions=[changed, *quiz.questions[1:]])) == [first.id]


CHEATSHEET = REPO / "notebooks" / "cheatsheet.ipynb"
PLOT_IMG = re.compile(r'<img class="rnnlab-plot"[^>]*>')


def figures_without_alt(nb) -> list[str]:
    """Figures a screen reader cannot describe: an image/png output (JupyterLab and the website
    draw it as an <img> without a text alternative) or an rnnlab.plots.show <img> whose alt is
    missing or too short to say what the figure shows."""
    import html

    problems = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "image/png" in data:
                problems.append(
                    f"cell {i}: a figure without a text alternative (image/png); "
                    "show it with rnnlab.plots.show(fig, alt)"
                )
            markup = data.get("text/html", "")
            for img in PLOT_IMG.findall("".join(markup) if isinstance(markup, list) else markup):
                alt = re.search(r'\balt="([^"]*)"', img)
                text = html.unescape(alt.group(1)).strip() if alt else ""
                if len(text) < 20:
                    problems.append(f"cell {i}: a figure whose alt text {text!r} is missing or too short")
    return problems


@pytest.mark.parametrize("path", LECTURES + [CHEATSHEET], ids=[p.stem for p in LECTURES] + ["cheatsheet"])
def test_every_figure_has_a_text_alternative(path):
    problems = figures_without_alt(nbformat.read(path, 4))
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


def test_the_alt_text_check_can_fail():
    def shown(alt):
        return nbformat.v4.new_output(
            "display_data", data={"text/html": f'<img class="rnnlab-plot" alt="{alt}" src="data:image/png;base64,PNG">'}
        )

    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("plt.show()"),
            nbformat.v4.new_code_cell("show(fig, '')"),
            nbformat.v4.new_code_cell("show(fig, 'a chart')"),
            nbformat.v4.new_code_cell("show(fig, 'Line chart: ...')"),
        ]
    )
    nb.cells[0].outputs = [
        nbformat.v4.new_output("display_data", data={"image/png": "iVBOR", "text/plain": "<Figure>"})
    ]
    nb.cells[1].outputs = [shown("")]
    nb.cells[2].outputs = [shown("a chart")]
    nb.cells[3].outputs = [shown("Line chart: the training loss falls over 100 steps")]
    assert [p.split(":")[0] for p in figures_without_alt(nb)] == ["cell 0", "cell 1", "cell 2"]
