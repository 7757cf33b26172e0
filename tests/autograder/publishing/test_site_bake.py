"""autograder.publishing.site.bake on small widgets: the states a page is given are what the widget shows."""

import ipywidgets as W
import pytest

from autograder.publishing.site import bake


def powers(start=3):
    slider = W.IntSlider(value=4, min=1, max=10, description="steps")
    label = W.Label()
    slider.observe(lambda ch: setattr(label, "value", f"{0.9 ** ch['new']:.3f}"), names="value")
    slider.value = start
    return W.HBox([slider, label]), slider


def test_each_state_holds_what_the_widget_shows_for_that_setting(tmp_path):
    box, slider = powers()
    store = bake.Store(tmp_path)
    data = bake.bake_figure(None, box, store)
    (control,) = data["controls"]
    assert control["labels"] == [str(n) for n in range(1, 11)] and data["start"] == "2"
    assert len(data["states"]) == 10
    for key, (shown,) in data["states"].items():
        steps = int(control["labels"][int(key)])
        assert store.strings[shown] == f"{0.9**steps:.3f}"  # computed here, not by the widget
    assert slider.value == 3  # left as the lecture left it


def test_a_slider_offers_its_named_positions_and_the_one_it_stands_at():
    slider = W.FloatSlider(value=0.7, min=-3, max=3, step=0.1)
    assert bake.slider_values(slider, [-3, 0, 3]) == [-3, 0, 0.7, 3]
    with pytest.raises(bake.BakeError, match="outside"):
        bake.slider_values(slider, [-4, 0])
    with pytest.raises(bake.BakeError, match="SLIDERS"):  # 61 positions: name the few
        bake.slider_values(slider, None)
    assert len(bake.slider_values(slider, "all")) == 61


def test_a_widget_with_too_many_states_or_controls_that_move_each_other_is_refused(tmp_path):
    a, b = W.IntSlider(value=1, min=1, max=20), W.IntSlider(value=1, min=1, max=20)
    c = W.IntSlider(value=1, min=1, max=20)
    with pytest.raises(bake.BakeError, match="8000 states"):
        bake.bake_figure(None, W.VBox([a, b, c]), bake.Store(tmp_path))
    leader, follower = W.IntSlider(value=1, min=1, max=3), W.IntSlider(value=1, min=1, max=3)
    leader.observe(lambda ch: setattr(follower, "value", 1), names="value")
    follower.observe(lambda ch: setattr(leader, "value", 1) if ch["new"] == 3 else None, names="value")
    with pytest.raises(bake.BakeError, match="left them at"):
        bake.bake_figure(None, W.VBox([leader, follower]), bake.Store(tmp_path))


def test_pictures_are_stored_once_and_losslessly(tmp_path):
    import io
    import random

    from PIL import Image

    rng = random.Random(0)  # noise: the hardest picture for a lossless coder to keep
    buf = io.BytesIO()
    Image.frombytes("RGB", (70, 50), bytes(rng.randrange(256) for _ in range(70 * 50 * 3))).save(buf, format="png")
    store = bake.Store(tmp_path)
    first, again = store.picture(buf.getvalue()), store.picture(buf.getvalue())
    assert first == again and len(list(tmp_path.iterdir())) == 1
    webp = Image.open(tmp_path / store.strings[first]).convert("RGB")
    assert webp.tobytes() == Image.open(buf).convert("RGB").tobytes()


def test_the_states_are_visited_one_control_change_at_a_time():
    order = list(bake.gray([3, 2, 4]))
    assert sorted(order) == sorted({(a, b, c) for a in range(3) for b in range(2) for c in range(4)})
    assert all(sum(x != y for x, y in zip(p, q)) == 1 for p, q in zip(order, order[1:]))


def test_the_probe_draws_the_second_setting_before_baking_and_puts_the_controls_back(tmp_path, monkeypatch):
    import json

    box, slider = powers()
    monkeypatch.setattr(bake, "DISPLAYED", [box.model_id, box.model_id])
    bake.probe_all(str(tmp_path))
    drawn = json.loads((tmp_path / "probes.json").read_text())
    assert list(drawn) == [box.model_id]
    (label,) = [w for w in box.children if isinstance(w, W.Label)]
    # at 3 of 1..10 (index 2): the last, 10 steps; at the last already: the first
    assert drawn[box.model_id] == {
        "outputs": [label.model_id],
        "setting": [9],
        "start": [f"{0.9**3:.3f}"],
        "shown": [f"{0.9**10:.3f}"],
    }
    assert slider.value == 3
    slider.value = 10
    monkeypatch.setenv(bake.FOLDER, str(tmp_path))  # as the site's build names it to the kernel
    bake.probe_all()
    assert json.loads((tmp_path / "probes.json").read_text())[box.model_id]["shown"] == [f"{0.9:.3f}"]


def test_baking_leaves_every_widget_as_the_lecture_did(tmp_path, monkeypatch):
    """The page draws each widget from the state saved after baking: a quiz baked must show no
    feedback (no answer given away), and a widget that remembers its past is refused."""
    monkeypatch.setenv("RNNLAB_REVIEW_FILE", str(tmp_path / "review.json"))
    from rnnlab.widgets import Quiz

    quiz = Quiz("03")
    before = [card.feedback.value for card in quiz.cards], quiz.score.value
    data = bake.bake_quiz(quiz, bake.Store(tmp_path))
    assert len(data["questions"]) == len(quiz.cards)
    assert ([card.feedback.value for card in quiz.cards], quiz.score.value) == before
    assert not any(before[0])

    slider, seen = W.IntSlider(value=1, min=1, max=3), W.Label("moves: 0")
    slider.observe(lambda ch: setattr(seen, "value", f"moves: {int(seen.value.split()[1]) + 1}"), names="value")
    box = W.VBox([slider, seen])
    monkeypatch.setattr(bake, "DISPLAYED", [box.model_id])
    with pytest.raises(bake.BakeError, match="otherwise than the lecture did: Label"):
        bake.bake_all(str(tmp_path))
    assert not (tmp_path / "baked.json").exists()


def test_make_site_warns_of_dead_links_and_refuses_a_malformed_repository(monkeypatch, capsys):
    from autograder.publishing.site import build

    built, fresh_runs = [], []

    def fake_build(out, student_repo, jobs, fresh):
        built.append(student_repo)
        fresh_runs.append(fresh)

    monkeypatch.setattr(build, "build", fake_build)
    monkeypatch.delenv("STUDENT_REPO", raising=False)
    assert build.main(["--out", "/nonexistent"]) == 0 and built == ["OWNER/REPO"]
    assert "lead nowhere" in capsys.readouterr().err
    assert build.main(["--student-repo", "course-org/rnn-students", "--fresh"]) == 0 and capsys.readouterr().err == ""
    assert build.main(["--student-repo", "https://github.com/a/b"]) == 2 and len(built) == 2
    assert "owner/name" in capsys.readouterr().err
    assert fresh_runs == [False, True]  # stored runs are reused unless --fresh


def test_a_page_draws_each_widget_from_the_run_that_baked_it():
    """The page is the build's own run: its prints as that run printed them (a print a busy
    kernel flushed in two parts stays, and Sphinx merges it), and each widget output drawn as
    HTML from that run's widget state, which the page itself no longer carries."""
    import nbformat

    from autograder.publishing.site import build

    v4 = nbformat.v4
    view = {build.WIDGET_VIEW: {"model_id": "m1", "version_major": 2, "version_minor": 0}, "text/plain": "Label()"}
    run = v4.new_notebook(cells=[v4.new_code_cell("x = 1"), v4.new_code_cell("show()")])
    run.cells[1].outputs = [
        v4.new_output("stream", name="stdout", text="right at widths [2]"),
        v4.new_output("stream", name="stdout", text="\n"),
        v4.new_output("display_data", data=view),
    ]
    run.metadata["widgets"] = {
        build.WIDGET_STATE: {
            "state": {
                "m1": {
                    "model_name": "LabelModel",
                    "model_module": "@jupyter-widgets/controls",
                    "state": {"value": "drawn from the run state"},
                }
            }
        }
    }
    page, counts = build.page(run, {}, base="")
    assert [o.get("text") for o in page.cells[1].outputs[:2]] == ["right at widths [2]", "\n"]
    assert "drawn from the run state" in page.cells[1].outputs[2].data["text/html"]
    assert build.WIDGET_VIEW not in page.cells[1].outputs[2].data and "widgets" not in page.metadata
    assert counts == {} and run.cells[1].outputs[2].data == view  # the run itself is untouched


def test_a_lectures_text_promises_no_prompt_the_website_does_not_offer():
    """Issue 78, section 5: chapter 09 said "Try any prompt" above the next-character explorer,
    and the website offers a fixed menu of prompts (PROMPTS). The text above each widget with a
    free-text box in PROMPTS keeps "any prompt" to the notebook, and every prompt its "Things to
    try" asks for is on the menu."""
    import re

    import nbformat

    from lecture_list import LECTURES

    checked = 0
    for path in LECTURES:
        cells = nbformat.read(path, 4).cells
        for k, cell in enumerate(cells):
            shown = [name for name in bake.PROMPTS if cell.cell_type == "code" and f"{name}(" in cell.source]
            if not shown or k == 0:
                continue
            text = cells[k - 1].source
            for sentence in re.split(r"(?<=[.:?])\s+", text):
                if re.search(r"\bany (prompt|text)|\btype (a|any|your)", sentence, re.I):
                    assert "notebook" in sentence, f"{path.name}: {sentence!r} promises what the website lacks"
            offered = [p.rstrip("\n") for name in shown for p in bake.PROMPTS[name]]
            for item in re.findall(r"^\d+\. Prompt (.*)$", text, re.M):
                for prompt in re.findall(r"`([^`]+)`", item):
                    assert prompt in offered, f"{path.name}: the prompt {prompt!r} is not among {offered}"
            checked += 1
    assert checked, "no lecture shows a widget with a prompt menu: the test checks nothing"
