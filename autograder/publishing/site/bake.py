"""Bake a widget's states for the static site, in the kernel that ran the lecture: for every setting
of its controls that the site offers, what the widget draws (docs/site.md). The build's first cell
calls `record`, its last ones `probe_all` and `bake_all`; static/baked.js plays the states back.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path

import ipywidgets as W
from PIL import Image

MAX_STATES = 700  # a widget with more combinations than this fails the build: choose fewer
MAX_SLIDER = 25  # a slider with more positions needs its positions in SLIDERS

# a slider's positions on the site (class -> control attribute -> values): what "Things to try" names among them
SLIDERS = {
    "GateExplorer": {
        "x": [-3, -1, 0, 1, 3],
        "h": [-1, 0, 1],
        "c": [-2, 0, 0.5, 2],
        "forget_bias": [-5, -2, 2, 5],
    },  # 03: +5, -5, +2
    "GradientFlow": {
        "length": [10, 20, 50, 100, 200],
        "forget_bias": [-3, 0, 1, 3, 6],  # 07: 20 steps; 0, 3, 6
        "scale": [0.25, 0.5, 1, 2, 4],
    },  # 07: 3 or 4
    "ThresholdExplorer": {"threshold": "all"},  # 99 positions
    "RNNUnroll": {"scale": [0, 0.5, 1, 1.5, 2]},
    "NextCharExplorer": {"temperature": [0.1, 0.5, 0.8, 1.0, 1.5, 2.0], "seed": [0, 1, 2]},
    "LSTMShapes": {
        "seq_len": [2, 5],
        "batch": [1, 3],
        "input_size": [4],
        "hidden_size": [3, 6],
        "num_layers": [1, 2, 3],
        "proj_size": [0, 2, 3],
    },  # 04: proj_size 3, = hidden_size
}
# a free-text box with no menu of examples: the prompts chapter 09's "Things to try" names
PROMPTS = {"NextCharExplorer": ["x = [", 'x = "', "def f(a, b):\n"]}
# menus of many entries that depend on the others: the first few offered (units ranked best first)
FIRST = {"CellViewer": {"unit": 3}}

CONTROL_TYPES = (W.FloatSlider, W.IntSlider, W.Dropdown, W.ToggleButtons, W.RadioButtons, W.Checkbox)
TEXT_TYPES = (W.Text, W.Textarea)
OUTPUT_TYPES = (W.Image, W.HTML, W.HTMLMath, W.Label)

FOLDER = "RNNLAB_SITE_BAKE"  # the kernel's variable naming the folder its lecture's widgets are baked into
OWNERS: dict[str, object] = {}  # model id of a displayed widget -> the course object shown
DISPLAYED: list[str] = []  # model ids of the widgets displayed, in order


class BakeError(RuntimeError):
    pass


def record() -> None:
    """Remember which course object each displayed widget belongs to (run before the lecture)."""
    from rnnlab.widgets._base import FigureWidget
    from rnnlab.widgets.quiz import CardDeck, Quiz

    for cls in (FigureWidget, Quiz, CardDeck):

        def shown(self, _original=cls._ipython_display_):
            OWNERS[self.widget.model_id] = self
            _original(self)

        cls._ipython_display_ = shown

    def bundle(self, *args, _original=W.Widget._repr_mimebundle_, **kwargs):
        DISPLAYED.append(self.model_id)
        return _original(self, *args, **kwargs)

    W.Widget._repr_mimebundle_ = bundle


def walk(widget):
    """The widget and every widget inside it, in the order they are drawn."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def instances() -> dict:
    return getattr(W.Widget, "widgets", None) or W.widgets.widget._instances


def find(model_id: str):
    return instances().get(model_id)


# -- controls --------------------------------------------------------------------------------
class Control:
    """One control the site moves: its widget, the values offered, and their labels."""

    def __init__(self, widget, values: list | None = None, name: str = ""):
        self.widget, self.name = widget, name
        if isinstance(widget, W.Checkbox):
            self.kind, self.values = "checkbox", [False, True]
        elif isinstance(widget, (W.Dropdown, W.ToggleButtons, W.RadioButtons)):
            self.kind = {W.Dropdown: "select", W.ToggleButtons: "toggle", W.RadioButtons: "radio"}[type(widget)]
            self.values = list(range(values if isinstance(values, int) else len(widget.options)))
        elif isinstance(widget, TEXT_TYPES):
            self.kind, self.values = "select", list(dict.fromkeys([widget.value, *values]))
        else:
            self.kind = "slider"
            self.values = slider_values(widget, values)

    def labels(self) -> list[str]:
        w = self.widget
        if self.kind == "slider":
            fmt = w.readout_format if isinstance(w, W.FloatSlider) else "d"
            return [format(v, fmt) for v in self.values]
        if self.kind == "checkbox":
            return ["off", "on"]
        if isinstance(w, TEXT_TYPES):  # a newline shown, not lost in a menu
            return [(v if len(v) <= 40 else v[:37] + "...").replace("\n", "⏎") for v in self.values]
        return [str(label) for label in w._options_labels][: len(self.values)]

    def index(self) -> int:
        w = self.widget
        if isinstance(w, (W.Dropdown, W.ToggleButtons, W.RadioButtons)):
            return -1 if w.index is None else w.index
        for k, v in enumerate(self.values):
            if v == w.value or (isinstance(v, float) and abs(v - w.value) < 1e-9):
                return k
        return -1

    def set(self, k: int) -> None:
        w = self.widget
        if isinstance(w, (W.Dropdown, W.ToggleButtons, W.RadioButtons)):
            w.index = k
        else:
            w.value = self.values[k]


def slider_values(widget, offered: list | None) -> list:
    """The slider's positions on the site: all of them if few, else `offered` and its current one."""
    lo, hi, step = widget.min, widget.max, widget.step
    count = round((hi - lo) / step) + 1
    if offered is None or offered == "all":
        if count > MAX_SLIDER and offered is None:
            raise BakeError(
                f"a slider '{widget.description}' of {count} positions: name the positions "
                "the site offers in autograder.publishing.site.bake.SLIDERS"
            )
        offered = [lo + k * step for k in range(count)]
    cast = int if isinstance(widget, W.IntSlider) else lambda v: round(float(v), 10)
    values = sorted({cast(v) for v in [*offered, widget.value]})  # 0.7 once, not 0.7000000000000002 too
    bad = [v for v in values if not lo <= v <= hi]
    if bad:
        raise BakeError(f"positions {bad} lie outside the slider '{widget.description}' ({lo} to {hi})")
    return values


def controls_of(owner, root) -> list[Control]:
    """The controls of a widget, in the order drawn: named ones get their offered values."""
    cls = type(owner).__name__ if owner is not None else ""
    by_widget = {}
    if owner is not None:
        for name, value in vars(owner).items():
            if isinstance(value, W.Widget):
                by_widget.setdefault(value.model_id, name)
    found = []
    for w in walk(root):
        name = by_widget.get(w.model_id, "")
        if isinstance(w, CONTROL_TYPES) and not w.disabled:
            if isinstance(w, (W.FloatSlider, W.IntSlider)):
                found.append(Control(w, SLIDERS.get(cls, {}).get(name), name))
            else:
                found.append(Control(w, FIRST.get(cls, {}).get(name), name))
        elif isinstance(w, TEXT_TYPES) and cls in PROMPTS:
            found.append(Control(w, PROMPTS[cls], name))
    return found


def outputs_of(root, controls: list[Control]) -> list:
    """What the page updates: pictures, readouts, text boxes, and the menus' own options."""
    moved = {c.widget.model_id for c in controls}
    outs = [w for w in walk(root) if isinstance(w, OUTPUT_TYPES + TEXT_TYPES) and w.model_id not in moved]
    return outs + [
        c.widget for c in controls if c.kind in ("select", "toggle", "radio") and not isinstance(c.widget, TEXT_TYPES)
    ]


# -- baking ----------------------------------------------------------------------------------
class Store:
    """Pictures as files named by their content, strings in one table: each stored once."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.strings: list[str] = []
        self._index: dict[str, int] = {}
        self._pictures: dict[bytes, str] = {}

    def string(self, text: str) -> int:
        if text not in self._index:
            self._index[text] = len(self.strings)
            self.strings.append(text)
        return self._index[text]

    def picture(self, png: bytes) -> int:
        key = hashlib.sha1(png).digest()
        if key not in self._pictures:
            img = Image.open(io.BytesIO(png))
            buf = io.BytesIO()
            img.save(buf, format="webp", lossless=True, method=1, quality=0)
            name = hashlib.sha1(buf.getvalue()).hexdigest()[:16] + ".webp"
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / name).write_bytes(buf.getvalue())
            self._pictures[key] = name
        return self.string(self._pictures[key])


def snapshot(outputs, store: Store) -> list[int]:
    values = []
    for w in outputs:
        if isinstance(w, W.Image):
            values.append(store.picture(bytes(w.value)) if w.value else store.string(""))
        elif isinstance(w, (W.Dropdown, W.ToggleButtons, W.RadioButtons)):
            values.append(store.string(json.dumps([str(label) for label in w._options_labels])))
        else:
            values.append(store.string(str(w.value)))
    return values


def bake_figure(owner, root, store: Store) -> dict:
    controls = controls_of(owner, root)
    outputs = outputs_of(root, controls)
    sizes = [len(c.values) for c in controls]
    total = 1
    for n in sizes:
        total *= n
    if total > MAX_STATES:
        raise BakeError(f"{type(owner).__name__}: {total} states (controls {sizes}); offer fewer positions")
    start = [c.index() for c in controls]
    if -1 in start:
        raise BakeError(f"{type(owner).__name__}: a control stands at a value the site does not offer")
    states = {",".join(map(str, start)): snapshot(outputs, store)}
    for combo in gray(sizes):
        key = ",".join(map(str, combo))
        if key in states:
            continue
        for control, k in zip(controls, combo):
            if control.index() != k:
                control.set(k)
        now = [c.index() for c in controls]
        if now != list(combo):
            raise BakeError(
                f"{type(owner).__name__}: setting its controls to {combo} left them at {now} "
                "(a control that changes another: order them, or bake it otherwise)"
            )
        states[key] = snapshot(outputs, store)
    for control, k in zip(controls, start):  # leave it as the lecture did
        control.set(k)
    return {
        "kind": "figure",
        "controls": [{"id": c.widget.model_id, "kind": c.kind, "labels": c.labels()} for c in controls],
        "outputs": [{"id": w.model_id, "kind": output_kind(w)} for w in outputs],
        "start": ",".join(map(str, start)),
        "states": states,
    }


def gray(sizes: list[int]):
    """Every combination of one value per control, each one control away from the one before (a
    reflected Gray code): one update of the widget per state."""
    if not sizes:
        yield ()
        return
    for k, prefix in enumerate(gray(sizes[:-1])):
        last = range(sizes[-1]) if k % 2 == 0 else range(sizes[-1] - 1, -1, -1)
        for value in last:
            yield (*prefix, value)


def output_kind(w) -> str:
    if isinstance(w, W.Image):
        return "image"
    if isinstance(w, (W.Dropdown, W.ToggleButtons, W.RadioButtons)):
        return "options"
    if isinstance(w, TEXT_TYPES):
        return "text"
    return "html" if isinstance(w, (W.HTML, W.HTMLMath)) else "label"


def bake_quiz(quiz, store: Store) -> dict:
    """Each question: every answer's feedback, the 'pick first' note and the shown answer, as the
    widget writes them; and the score line for every count."""
    questions = []
    # as the lecture left each question: the page is drawn from the state saved after baking
    before = [(card.choice.value, card.feedback.value, card.correct) for card in quiz.cards]
    for card in quiz.cards:
        card.on_grade = None  # nothing is saved while baking
        feedback = []
        for _, key in card.choice.options:
            card.choice.value = key
            card.grade()
            feedback.append([store.string(card.feedback.value), bool(card.correct)])
        card.choice.value = None
        card.grade()
        first = store.string(card.feedback.value)
        card.show_answer()
        questions.append(
            {
                "choice": card.choice.model_id,
                "feedback_id": card.feedback.model_id,
                "check": card.check.model_id,
                "reveal": card.reveal.model_id,
                "answers": feedback,
                "pick_first": first,
                "shown": store.string(card.feedback.value),
            }
        )
    scores = []
    for right in range(len(quiz.cards) + 1):
        for k, card in enumerate(quiz.cards):
            card.correct = k < right
        quiz._score()
        scores.append(store.string(quiz.score.value))
    for card, (choice, shown, correct) in zip(quiz.cards, before):
        card.choice.value, card.feedback.value, card.correct = choice, shown, correct
    quiz._score()
    return {"kind": "quiz", "questions": questions, "score_id": quiz.score.model_id, "scores": scores}


def bake_deck(deck, store: Store) -> dict:
    """Each card: its counter, place, front, and back before and after the reveal."""
    cards = []
    for k in range(len(deck.cards)):
        deck.index = 0
        deck.go(k)
        hidden = store.string(deck.back.value)
        deck.show_back()
        cards.append(
            [
                store.string(deck.counter.value),
                store.string(deck.where.value),
                store.string(deck.front.value),
                hidden,
                store.string(deck.back.value),
            ]
        )
    deck.index = 0
    deck.go(0)
    ids = {
        name: getattr(deck, name).model_id
        for name in ("counter", "where", "front", "back", "prev", "next", "reveal", "knew", "missed")
    }
    return {"kind": "deck", "ids": ids, "cards": cards}


def kind_of(model_id: str) -> tuple:
    """The course object, the widget and how it is baked ("quiz", "deck", "figure"; None for one
    the site shows as saved: a progress bar, the progress check and the review)."""
    from rnnlab.widgets.quiz import CardDeck, Quiz, Review

    owner, root = OWNERS.get(model_id), find(model_id)
    if root is None:
        raise BakeError(f"no widget {model_id} in this kernel")
    if (
        isinstance(owner, Review)
        or owner is None
        and any(isinstance(w, (W.FloatProgress, W.IntProgress, W.Button)) for w in walk(root))
    ):
        return owner, root, None
    return owner, root, "quiz" if isinstance(owner, Quiz) else "deck" if isinstance(owner, CardDeck) else "figure"


def bake(model_id: str, folder: str) -> dict | None:
    """The baked states of the widget displayed as `model_id`, or None for one the site shows as saved."""
    owner, root, kind = kind_of(model_id)
    if kind is None:
        return None
    store = Store(Path(folder))
    if kind == "quiz":
        data = bake_quiz(owner, store)
    elif kind == "deck":
        data = bake_deck(owner, store)
    else:
        data = bake_figure(owner, root, store)
    data["strings"] = store.strings
    data["widget"] = type(owner).__name__ if owner is not None else type(root).__name__
    return data


def bake_all(folder: str | None = None) -> None:
    """Bake every widget the lecture displayed: pictures into folder/pictures/, the states into
    folder/baked.json (`folder` by default the one the kernel's environment names, FOLDER)."""
    folder = Path(folder or os.environ[FOLDER])
    before = {model_id: w.get_state() for model_id, w in list(instances().items())}
    baked = {model_id: bake(model_id, folder / "pictures") for model_id in dict.fromkeys(DISPLAYED)}
    # the page draws each widget from the state saved after this: it must be the lecture's own
    moved = [
        f"{type(w).__name__} {getattr(w, 'description', '') or model_id}"
        for model_id, w in list(instances().items())
        if model_id in before and w.get_state() != before[model_id]
    ]
    if moved:
        raise BakeError(f"baking left {len(moved)} widget(s) otherwise than the lecture did: {', '.join(moved[:5])}")
    (folder / "baked.json").write_text(json.dumps(baked))


def probe_all(folder: str | None = None) -> None:
    """For the site's tests: what each figure widget draws as the lecture left it (`start`) and at a
    second setting (each control at its last offered value, or its first if there: `shown`),
    written to folder/probes.json by model id; the controls then go back."""
    import base64

    def shown(outputs):
        return [base64.b64encode(bytes(w.value)).decode() if isinstance(w, W.Image) else str(w.value) for w in outputs]

    drawn = {}
    for model_id in dict.fromkeys(DISPLAYED):
        owner, root, kind = kind_of(model_id)
        if kind != "figure":
            continue
        controls = controls_of(owner, root)
        start = [c.index() for c in controls]
        before = shown(outputs_of(root, controls))
        setting = [len(c.values) - 1 if k != len(c.values) - 1 else 0 for c, k in zip(controls, start)]
        for control, k in zip(controls, setting):
            control.set(k)
        outputs = outputs_of(root, controls)
        drawn[model_id] = {
            "outputs": [w.model_id for w in outputs],
            "setting": setting,
            "start": before,
            "shown": shown(outputs),
        }
        for control, k in zip(controls, start):
            control.set(k)
    (Path(folder or os.environ[FOLDER]) / "probes.json").write_text(json.dumps(drawn))
