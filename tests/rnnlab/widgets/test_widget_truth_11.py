"""Chapter 11's scan widget draws the truth: every node's steps and numbers, the picked node's readout
and its highlights, against the recurrence run one step after the other here (tests/rnnlab/widgets/reference.py),
from a and b recomputed from the minGRU's weights, never through rnnlab.minrnn's scans."""

import html
import re

import pytest
import torch

from reference import linear_stretch, min_gru_coefficients


def readout(widget_html: str) -> dict[str, str]:
    rows = re.findall(r"<tr data-name='(.*?)'><td[^>]*>.*?</td><td[^>]*>(.*?)</td></tr>", widget_html)
    return {html.unescape(k): html.unescape(re.sub(r"<[^>]+>", "", v)) for k, v in rows}


@pytest.fixture(scope="module")
def tree():
    from rnnlab.widgets import ScanTree

    return ScanTree()  # as chapter 11 shows it


def first_step(t: int, level: int) -> int:
    """The earliest step that node t holds after `level` levels: each level doubles the stretch."""
    return max(1, t - 2**level + 1)


def named(first: int, last: int) -> str:
    return str(last) if first == last else f"{first}..{last}"


def test_a_and_b_are_the_min_grus(tree):
    a, b = min_gru_coefficients(tree.cell, tree.x)
    torch.testing.assert_close(tree.a, a)
    torch.testing.assert_close(tree.b, b)
    assert tree.a.shape == (1, 16, 1) and float(tree.h0) == 0.5


@pytest.mark.parametrize("length", [8, 16])
@pytest.mark.parametrize("level", [0, 1, 2, 3, 4])
@pytest.mark.parametrize("step", [1, 3, 6, 8, 13, 16])
def test_nodes_highlights_and_readout_are_the_loops_numbers(tree, length, level, step):
    from rnnlab.widgets.scan_tree import HALF_H, HALF_W

    tree.length.value, tree.level.value, tree.step.value = length, level, step
    levels = {8: 3, 16: 4}[length]
    k, t = min(level, levels), min(step, length)
    a, b = min_gru_coefficients(tree.cell, tree.x)
    a, b = a[0, :, 0], b[0, :, 0]
    shown = readout(tree.readout.value)
    capped = (k, t) != (level, step)
    assert shown["length, level, step"] == f"{length}, {k}, {t}" + (" (capped)" if capped else "")
    first = first_step(t, k)
    assert shown["node holds steps"] == named(first, t)
    A, B, h = linear_stretch(a, b, first, t, h=0.5)
    assert float(shown["A = product of its a"]) == pytest.approx(A, rel=1e-4)
    assert float(shown["B = its h from h = 0"]) == pytest.approx(B, rel=1e-4)
    if first == 1:
        assert float(shown["A h0 + B (h0 = 0.5)"]) == pytest.approx(h, rel=1e-6)
        assert float(shown["h_t by the loop"]) == pytest.approx(h, rel=1e-6)
        assert shown["equal"] == "yes"
    else:
        assert shown["A h0 + B (h0 = 0.5)"] == f"not yet: needs steps 1..{t}"
    if k >= 1 and t - 2 ** (k - 1) >= 1:
        s = t - 2 ** (k - 1)
        assert (
            shown["joined at this level"] == f"{named(first_step(s, k - 1), s)} then {named(first_step(t, k - 1), t)}"
        )
        assert tree.from_earlier.get_xy() == pytest.approx((s - HALF_W, k - 1 - HALF_H))
        assert tree.from_later.get_xy() == pytest.approx((t - HALF_W, k - 1 - HALF_H))
        assert tree.from_earlier.get_visible() and tree.edge_earlier.get_visible()
    else:
        assert not tree.from_earlier.get_visible() and not tree.edge_later.get_visible()
    assert tree.picked.get_xy() == pytest.approx((t - HALF_W, k - HALF_H))
    assert tree.held.get_x() == pytest.approx(first - HALF_W)
    assert tree.held.get_x() + tree.held.get_width() == pytest.approx(t + HALF_W)
    # every node drawn: its steps, and at length 8 its A and B to 3 significant digits
    for (kk, tt), label in tree.labels.items():
        drawn = label.get_visible()
        assert drawn == (tt <= length and kk <= k), (kk, tt)
        if not drawn:
            continue
        f = first_step(tt, kk)
        lines = label.get_text().split("\n")
        assert lines[0] == named(f, tt)
        if length == 8:
            A_n, B_n, _ = linear_stretch(a, b, f, tt)
            assert lines[1].startswith("A ") and lines[2].startswith("B ")
            assert float(lines[1][2:]) == pytest.approx(A_n, rel=5e-3), (kk, tt)
            assert float(lines[2][2:]) == pytest.approx(B_n, rel=5e-3), (kk, tt)
        else:
            assert len(lines) == 1


def test_the_check_can_fail(tree):
    """A node label one level off names other steps and other numbers than the loop gives."""
    tree.length.value, tree.level.value, tree.step.value = 8, 2, 6
    a, b = min_gru_coefficients(tree.cell, tree.x)
    wrong = linear_stretch(a[0, :, 0], b[0, :, 0], first_step(6, 1), 6)
    shown = readout(tree.readout.value)
    assert shown["node holds steps"] != named(first_step(6, 1), 6)
    assert float(shown["B = its h from h = 0"]) != pytest.approx(wrong[1], rel=1e-4)
