"""The course writes its equations as PyTorch computes them: row vectors, `x W^T`.

`nn.Linear`, `nn.RNN`, `nn.LSTM` and `nn.GRU` compute `x @ W.T` with `x` a row of a batch, and
chapters 02, 03 and 07 write `x_t W_{ih}^T`. A formula that writes `W x` (a column vector, the
papers' habit) beside code that computes `x @ W.T` makes a student transpose in their head and
get shapes wrong; it may stand only in a cell that names the switch ("column vectors").
This test reads the LaTeX of every lecture, problem set and quiz.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.S)
# a weight matrix W_{..} (or W_q) not transposed, followed by the vector it multiplies
LEFT_PRODUCT = re.compile(
    r"\bW_(?:\{[^}]*\}|[A-Za-z0-9]+)(?!\s*\^)\s*(?:\\,\s*)?"
    r"(?:[a-z](?:_(?:\{[^}]*\}|\w+))?(?![A-Za-z])|\(|\[|\\left)"
)
SWITCH = re.compile(r"column vector", re.I)


def left_products(text: str) -> list[str]:
    if SWITCH.search(text):
        return []
    found = []
    for match in MATH.finditer(text):
        math = match.group(1) or match.group(2)
        found += [math[max(0, m.start() - 20) : m.end() + 20].replace("\n", " ") for m in LEFT_PRODUCT.finditer(math)]
    return found


def _readable():
    for path in sorted((REPO / "notebooks").glob("*.ipynb")) + sorted((REPO / "source").glob("ps*/*.ipynb")):
        for i, cell in enumerate(nbformat.read(path, 4).cells):
            if cell.cell_type == "markdown":
                yield f"{path.relative_to(REPO)} cell {i}", cell.source
    for path in sorted((REPO / "rnnlab" / "data").glob("quiz_*.json")):
        yield (
            str(path.relative_to(REPO)),
            json.dumps(json.loads(path.read_text()), ensure_ascii=False).replace("\\\\", "\\"),
        )


def test_equations_use_row_vectors_as_pytorch_computes():
    wrong = [f"{where}: ...{snippet}..." for where, text in _readable() for snippet in left_products(text)]
    assert not wrong, (
        "write x W^T (row vectors, as nn.Linear computes x @ W.T), or name the switch "
        "to column vectors in the same cell:\n" + "\n".join(wrong)
    )


@pytest.mark.parametrize(
    "text, flagged",
    [
        (r"$h_t = \tanh(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh})$", True),
        (r"$n = \tanh(W_{in} x + b_{in} + r * (W_{hn} h + b_{hn}))$", True),
        (r"$e_i = v^\top \tanh(W_q q + W_k k_i)$", True),
        (r"$\mathrm{logits} = W_o \tanh(W_c [c; q])$", True),
        (r"$W_{hn} (r * h)$", True),
        (r"$h_t = \tanh(x_t W_{ih}^T + b_{ih} + h_{t-1} W_{hh}^T + b_{hh})$", False),
        (r"$\operatorname{diag}(1 - h_t^2) W_{hh}$", False),
        (r"$W_{ih}, W_{hh}, b_{ih}, b_{hh}$", False),
        (r"The paper uses column vectors: $W_{ih} x_t$.", False),
    ],
)
def test_the_detector(text, flagged):
    """It can fail: the forms chapters 09, 10, the cheat sheet and ps09 used are found."""
    assert bool(left_products(text)) == flagged, text
