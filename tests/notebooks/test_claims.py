"""What a lecture says is true on the student's machine (docs/authoring.md, "Outputs on every CPU").

- A cell whose output depends on the CPU (it prints figures that training produced) is tagged
  `nbval-ignore-output` and asserts the claim that the text makes about it.
- Run with every optimiser frozen (RNNLAB_UNTRAINED=1, so every model stays as initialised),
  each such assertion fails: the claims are about training, and they can fail.
- In the same run, every cell that is still compared by strict nbval prints what it printed
  when committed: a cell that prints a figure of training without the mark is caught here,
  whatever CPU made the committed outputs.
- Prose quotes no decimal, percentage or ratio that the outputs of the cells around it do not
  show (outputs of machine-dependent cells do not count), except the constants listed below.

These tests carry the `lectures` mark: `make test-notebooks` runs them next to nbval.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from lecture_cells import IGNORE, LECTURES, NOTEBOOKS, code_cells, machine_dependent, sanitize, text_outputs

pytestmark = pytest.mark.lectures


# Numbers that prose may state without an output beside it: constants of the text, settings the
# text chose, and facts of the mathematics. Each with its reason; keyed by (notebook stem, text).
PROSE_CONSTANTS = {
    ("01_sequence_data", "20%"): "a setting: the code keeps 0.8 of the windows for training",
    ("03_lstm_gates", "0.1"): "the saturation thresholds of Karpathy et al. (2015), chosen, not measured",
    ("03_lstm_gates", "0.9"): "the saturation thresholds of Karpathy et al. (2015), chosen, not measured",
    ("03_lstm_gates", "50%"): "an answer choice of a Predict first question",
    ("03_lstm_gates", "5%"): "an answer choice of a Predict first question",
    ("03_lstm_gates", "0.5%"): "an answer choice of a Predict first question",
    ("04_using_lstm", "2.6"): "a torch release number",
    ("04_using_lstm", "2.5"): "a torch release number (2.5.1)",
    ("05_padding_packing", "10%"): "an answer choice of a Predict first question",
    ("05_padding_packing", "25%"): "an answer choice of a Predict first question",
    ("05_padding_packing", "45%"): "an answer choice of a Predict first question",
    ("07_gradient_flow", "0.167"): "the adding problem's baseline, Var(U + U') = 1/6, a constant of the task",
    ("07_gradient_flow", "0.73"): "sigmoid(1), the forget gate a bias of 1 gives, computed in the text",
    ("07_gradient_flow", "1e-3"): "an answer choice of a Predict first question",
    ("07_gradient_flow", "1e-7"): "an answer choice of a Predict first question",
    ("07_gradient_flow", "0.1"): "a learning rate and clipping threshold the text chose",
    ("08_evaluating_models", "97%"): "the words of a myth the section refutes",
    ("08_evaluating_models", "0.05"): "a slider position the reader is asked to try",
    ("08_evaluating_models", "0.95"): "a slider position the reader is asked to try",
    ("08_evaluating_models", "0.5"): "the default threshold of a classifier, a convention",
    (
        "09_language_models",
        "6.2",
    ): "the paper's Linux kernel corpus, 6,206,996 characters (Karpathy et al. 2015), a published figure",
    (
        "11_parallel_recurrence",
        "88%",
    ): "the memory the scan cost in Feng et al. (2024), on a T4 GPU, a published figure",
}


def python_of(source: str) -> str:
    """A cell's source without IPython magics, so that ast can parse it."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def has_assert(source: str) -> bool:
    return any(isinstance(node, ast.Assert) for node in ast.walk(ast.parse(python_of(source))))


@pytest.mark.parametrize("path", LECTURES, ids=[p.stem for p in LECTURES])
def test_machine_dependent_cells_assert_their_claim(path):
    nb = nbformat.read(path, 4)
    for i, cell in code_cells(nb):
        if machine_dependent(cell):
            assert has_assert(cell.source), (
                f"{path.name} cell {i} is tagged {IGNORE} but asserts nothing: state the claim the text "
                "makes about its output as an assert with a tolerance that holds on every CPU"
            )


# a timing printed in a field of fixed width: the sanitizer blanks the figure, not its padding, so
# "   46.2 ms" and "  164.7 ms" differ after it ("   TIME" against "  TIME") on another machine
_PADDED_TIME = re.compile(r"\{[^{}]*:[<>^]?\d+(\.\d+)?f\}\s?m?s\b")


@pytest.mark.parametrize("path", LECTURES, ids=[p.stem for p in LECTURES])
def test_timings_are_printed_without_a_field_width(path):
    nb = nbformat.read(path, 4)
    padded = [(i, m.group(0)) for i, cell in code_cells(nb) for m in _PADDED_TIME.finditer(cell.source)]
    assert not padded, (
        f"{path.name}: timings printed in a field of fixed width {padded}: write "
        'f"{t:.1f} ms" (nbval compares the padding the sanitizer leaves)'
    )


def test_the_padded_timing_check_can_fail():
    assert _PADDED_TIME.search('print(f"{t * 1000:>9.1f} ms")')
    assert _PADDED_TIME.search('print(f"{t:8.2f} s")')
    assert not _PADDED_TIME.search('print(f"{t * 1000:.1f} ms")')
    assert not _PADDED_TIME.search('print(f"{loss:>9.3f}")')


def test_the_assert_check_can_fail():
    assert has_assert("x = 1\nassert x < 2, 'why'")
    assert not has_assert("%time x = 1\nprint(x)")


# ---------------------------------------------------------------------------------------- prose
_CODE = re.compile(r"```.*?```|`[^`]*`|\$\$.*?\$\$|\$[^$]*\$|\]\([^)]*\)|<[^>]+>", re.S)
_NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?(?:e[-+]?\d+)?)(\s?%|x\b|×)?", re.I)
_WORDS = {
    "three times": "3x",
    "four times": "4x",
    "five times": "5x",
    "six times": "6x",
    "ten times": "10x",
    "a hundred times": "100x",
    "a million times": "1000000x",
}


def prose_numbers(markdown: str) -> list[str]:
    """Decimals, percentages and ratios stated in prose (code, maths and links left out)."""
    text = _CODE.sub(" ", markdown)
    found = []
    for word, ratio in _WORDS.items():
        found += [ratio] * len(re.findall(rf"\b{word}\b", text, re.I))
    for number, suffix in _NUMBER.findall(text):
        suffix = (suffix or "").strip().replace("×", "x").lower()
        is_decimal = "." in number or "e" in number.lower()
        if suffix or is_decimal:
            found.append(number + suffix)
    return found


def _value_and_step(token: str) -> tuple[float, float, str]:
    """(value, half of its last printed digit, kind) of a number as written."""
    kind = "%" if token.endswith("%") else "x" if token.endswith("x") else ""
    body = token.rstrip("%x")
    if "e" in body.lower():
        mantissa, exponent = body.lower().split("e")
        decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
        step = 10 ** (int(exponent) - decimals)
    else:
        decimals = len(body.split(".")[1]) if "." in body else 0
        step = 10**-decimals
    return float(body), step / 2, kind


# printed numbers, also right after an "x" ("x0.29 per step" is a ratio)
_PRINTED = re.compile(r"(?:(?<=[x×])|(?<![\w.]))(\d+(?:\.\d+)?(?:e[-+]?\d+)?)(\s?%|x\b|×)?", re.I)


def shown_by(token: str, outputs: str) -> bool:
    """True when `outputs` print a number that, rounded as the prose rounds it, is `token`.
    A ratio ("5x") is matched only by a printed ratio ("5.2x", "x5.2")."""
    value, half, kind = _value_and_step(token)
    for match in _PRINTED.finditer(outputs):
        number, suffix = match.groups()
        shown = float(number)
        suffix = (suffix or "").strip().replace("×", "x").lower()
        if match.start(1) > 0 and outputs[match.start(1) - 1] in "x×":
            suffix = suffix or "x"
        if (kind == "x") != (suffix == "x"):
            continue
        candidates = [shown]
        if kind == "%" and suffix != "%":
            candidates.append(shown * 100)  # 0.85 printed, 85% in prose
        if kind != "%" and suffix == "%":
            candidates.append(shown / 100)
        if any(abs(c - value) <= half * (1 + 1e-9) for c in candidates):
            return True
    return False


def _context(nb, index: int, reach: int) -> str:
    """The sources of the `reach` code cells on either side of cell `index` (settings the text may
    name), and the outputs of those that nbval compares (figures of training do not count)."""
    before = [c for c in nb.cells[:index][::-1] if c.cell_type == "code"][:reach]
    after = [c for c in nb.cells[index + 1 :] if c.cell_type == "code"][:reach]
    return "\n".join(("" if machine_dependent(c) else text_outputs(c)) + "\n" + c.source for c in before + after)


def prose_problems(path: Path, used: set | None = None) -> list[str]:
    used = set() if used is None else used
    nb = nbformat.read(path, 4)
    problems = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        # key takeaways sum up the chapter: any output of the notebook may stand behind them
        context = _context(nb, i, len(nb.cells) if "key takeaways" in cell.source.lower() else 2)
        for token in prose_numbers(cell.source):
            used.add((path.stem, token))
            if (path.stem, token) in PROSE_CONSTANTS or shown_by(token, context):
                continue
            problems.append(
                f"{path.name} cell {i}: the prose says {token!r}, which no output or code of the cells around it shows"
            )
    return problems


@pytest.mark.parametrize(
    "path", LECTURES + [NOTEBOOKS / "cheatsheet.ipynb"], ids=[p.stem for p in LECTURES] + ["cheatsheet"]
)
def test_prose_quotes_only_numbers_the_outputs_show(path):
    problems = prose_problems(path)
    assert not problems, "\n".join(problems)


def test_every_prose_constant_is_still_used():
    used: set = set()
    for path in LECTURES + [NOTEBOOKS / "cheatsheet.ipynb"]:
        prose_problems(path, used)
    stale = sorted(set(PROSE_CONSTANTS) - used)
    assert not stale, f"allowlisted numbers no prose states any more; remove them: {stale}"


def test_prose_check_catches_a_quoted_training_figure(tmp_path):
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("Training lowers the error by 60% (a 2.5x gain)."),
            nbformat.v4.new_code_cell("print(1)", outputs=[nbformat.v4.new_output("stream", text="58% lower\n")]),
            nbformat.v4.new_markdown_cell("The threshold 0.91 and a ratio of 5.2x are in the output."),
            nbformat.v4.new_code_cell(
                "print(1)", outputs=[nbformat.v4.new_output("stream", text="precision 0.909, speed-up 5.2x\n")]
            ),
        ]
    )
    path = tmp_path / "99_demo.ipynb"
    nbformat.write(nb, path)
    problems = prose_problems(path)
    assert len(problems) == 2 and "'60%'" in problems[0] and "'2.5x'" in problems[1]
    assert prose_numbers("`x = 0.5` and $0.7$ and [link](a0.3.ipynb) but 12% and 0.25") == ["12%", "0.25"]
    assert prose_numbers("three times as fast, twice as slow") == ["3x"]
    assert shown_by("5x", "5.2x faster") and shown_by("0.3x", "(x0.29 per step)")
    assert not shown_by("5x", "5 layers") and not shown_by("5.2x", "t = 5.2")


# ------------------------------------------------------------------------------ untrained run
# Cells compared by nbval whose output legitimately changes when optimisers are frozen, because
# the cell itself takes an optimiser step on a toy problem (exact on any CPU). Keyed by a snippet
# of the cell's source.
UNTRAINED_CHANGES = {
    "07_gradient_flow": {"def one_update(": "one hand-made SGD step on a 3-number toy parameter: exact arithmetic"},
    "09_language_models": {
        "step_opt = torch.optim.SGD": "the retain_graph pitfall is about what a real optimizer "
        "step does to the saved graph, and untrained runs switch every step off"
    },
}


def _execute_untrained(path: Path, monkeypatch):
    from rnnlab.kernels import notebook_client

    monkeypatch.setenv("RNNLAB_UNTRAINED", "1")
    nb = nbformat.read(path, 4)
    notebook_client(
        nb, timeout=300, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(NOTEBOOKS)}}
    ).execute()
    return nb


def check_untrained(path: Path, monkeypatch) -> None:
    committed = nbformat.read(path, 4)
    ran = _execute_untrained(path, monkeypatch)
    allowed = UNTRAINED_CHANGES.get(path.stem, {})
    problems = []
    for (i, before), after in zip(code_cells(committed), [ran.cells[i] for i, _ in code_cells(committed)]):
        errors = [o for o in after.outputs if o.output_type == "error"]
        if machine_dependent(before):
            if not any(e.ename == "AssertionError" for e in errors):
                got = errors[0].ename if errors else "no error"
                problems.append(
                    f"cell {i}: its claim held for an untrained model ({got}); "
                    "the assertion cannot tell training from no training"
                )
        elif not any(snippet in before.source for snippet in allowed):
            if "raises-exception" in before.metadata.get("tags", []):
                continue
            if errors:
                problems.append(f"cell {i}: {errors[0].ename}: {errors[0].evalue} with an untrained model")
            elif sanitize(text_outputs(after)) != sanitize(text_outputs(before)):
                problems.append(
                    f"cell {i}: prints figures of training but is compared by nbval "
                    f"(tag it {IGNORE} and assert the claim):\n  committed: "
                    f"{text_outputs(before)[:300]!r}\n  untrained: {text_outputs(after)[:300]!r}"
                )
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


# One test class per lecture: pytest-xdist's --dist loadscope sends each class to a worker of its
# own, so the lectures run two at a time beside nbval's notebooks.
for _path in [p for p in LECTURES if not p.name.startswith("00")]:  # the start page trains nothing
    _name = "TestUntrained_" + _path.stem.split("_")[0]
    globals()[_name] = type(
        _name,
        (),
        {
            "test_claims_fail_for_untrained_models_and_nothing_else_moves": (
                lambda self, monkeypatch, path=_path: check_untrained(path, monkeypatch)
            ),
        },
    )
