"""The nn.LSTM shapes widget: its numbers come from a real layer, its picture follows the controls."""

import itertools

import numpy as np
import pytest

from rnnlab.widgets import LSTMShapes
from rnnlab.widgets.lstm_shapes import BOTH, CELL, LAST, PICKED, lstm_shapes


@pytest.mark.parametrize(
    "layers,bidirectional,batch_first,proj", list(itertools.product([1, 2], [False, True], [False, True], [0, 3]))
)
def test_shapes_for_every_option(layers, bidirectional, batch_first, proj):
    v = lstm_shapes(7, 4, 5, 6, num_layers=layers, bidirectional=bidirectional, batch_first=batch_first, proj_size=proj)
    d = 2 if bidirectional else 1
    out = d * (proj or 6)
    assert v["output"] == ((4, 7, out) if batch_first else (7, 4, out))
    assert v["h_n"] == (layers * d, 4, proj or 6)  # never batch-first
    assert v["c_n"] == (layers * d, 4, 6)  # the cell is never projected
    assert v["output[-1]"] == ((7, out) if batch_first else (4, out))
    assert v["h_n[-1] is the last step"] is (not bidirectional)


def test_parameter_count_matches_the_formula():
    v = lstm_shapes(3, 2, 10, 20)
    assert v["parameters"] == 4 * (20 * 10 + 20 * 20 + 20 + 20)


def codes(image):
    """The cell codes back from the drawn image (one value per cell)."""
    data = np.asarray(image.get_array())
    return data[::CELL, ::CELL].astype(int)


def test_time_major_output_minus_one_is_the_last_step():
    w = LSTMShapes(seq_len=5, batch=3)
    c = codes(w.images[0])
    assert c.shape == (5, 3) and (c[-1] == BOTH).all() and (c[:-1] == 0).all()
    assert "(5, 3, 6)" in w.readout.value


def test_batch_first_output_minus_one_is_the_last_sequence():
    w = LSTMShapes(seq_len=5, batch=3)
    before = w.image.value
    w.batch_first.value = True
    c = codes(w.images[0])
    assert c.shape == (3, 5)
    assert (c[-1, :-1] == PICKED).all() and (c[:-1, -1] == LAST).all() and c[-1, -1] == BOTH
    assert w.values["output[-1]"] == (5, 6) and w.image.value != before
    assert w.full_draws == 1


def test_hidden_state_rows_follow_layers_and_directions():
    w = LSTMShapes(batch=2)
    w.num_layers.value = 3
    w.bidirectional.value = True
    c = codes(w.images[1])
    assert c.shape == (6, 2) and (c[-1] == PICKED).all() and (c[:-1] == 0).all()
    assert [t.get_text() for t in w.row_labels] == [
        "layer 0 fwd",
        "layer 0 bwd",
        "layer 1 fwd",
        "layer 1 bwd",
        "layer 2 fwd",
        "layer 2 bwd",
    ]
    assert "False" in w.readout.value  # h_n[-1] is the backward direction's state


def test_an_impossible_option_shows_pytorchs_message():
    w = LSTMShapes(hidden_size=4)
    w.proj_size.value = 5
    assert "error" in w.values and "proj_size" in w.readout.value
    w.proj_size.value = 2
    assert w.values["h_n"] == (1, 3, 2) and w.values["c_n"] == (1, 3, 4)


def test_controls_have_css_classes():
    w = LSTMShapes()
    for name in w.controls:
        assert f"rnnlab-control-{name.replace('_', '-')}" in getattr(w, name)._dom_classes
