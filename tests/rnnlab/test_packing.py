"""The packed-batch picture and the padding measurements of chapter 05."""

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pack_sequence, pad_sequence

from rnnlab.packing import (
    PackedRow,
    bucket_batches,
    draw_packed,
    lengths_from_layout,
    packed_layout,
    padding_drift,
    padding_share,
    random_batches,
    random_lengths,
    step_counts,
    time_epoch,
)


def four_sequences():
    # lengths 3, 5, 2, 4: sorted order B, D, A, C; values encode (sequence, step) as 10*b + t
    return [torch.tensor([10.0 * b + t for t in range(n)]) for b, n in enumerate([3, 5, 2, 4])]


def test_layout_says_where_each_row_of_data_comes_from():
    seqs = four_sequences()
    packed = pack_sequence(seqs, enforce_sorted=False)
    layout = packed_layout(packed)
    assert [(r.t, r.seq) for r in layout[:5]] == [(0, 1), (0, 3), (0, 0), (0, 2), (1, 1)]
    for r in layout:  # each row holds that sequence's step
        assert packed.data[r.row].item() == 10 * r.seq + r.t
    assert [r.row for r in layout] == list(range(14))
    assert lengths_from_layout(layout) == {0: 3, 1: 5, 2: 2, 3: 4}


def test_layout_of_a_sorted_batch_uses_the_batch_order():
    seqs = sorted(four_sequences(), key=len, reverse=True)
    packed = pack_padded_sequence(pad_sequence(seqs, batch_first=True), [5, 4, 3, 2], batch_first=True)
    assert packed.sorted_indices is None
    layout = packed_layout(packed)
    assert layout[:4] == [PackedRow(0, 0, 0), PackedRow(1, 0, 1), PackedRow(2, 0, 2), PackedRow(3, 0, 3)]
    assert layout[-1] == PackedRow(13, 4, 0)


def test_layout_rejects_inconsistent_batch_sizes():
    packed = pack_sequence(four_sequences(), enforce_sorted=False)
    broken = packed._replace(batch_sizes=torch.tensor([4, 4, 3]))
    with pytest.raises(ValueError, match="add up to 11 rows but data has 14"):
        packed_layout(broken)


def test_drawing_shows_every_cell_and_the_index_tensors():
    packed = pack_sequence(four_sequences(), enforce_sorted=False)
    values = [[f"{c}{t}" for t in range(5)] for c in "abcd"]
    fig, layout = draw_packed(packed, names=list("ABCD"), values=values)
    top, bottom = fig.axes
    top_texts = [t.get_text() for t in top.texts]
    assert top_texts.count("pad") == 4 * 5 - 14  # padded slots of the batch
    assert "B (length 5)" in top_texts and "C (length 2)" in top_texts
    cell_texts = [t.get_text() for t in bottom.texts if t.get_text() in {v for row in values for v in row}]
    assert cell_texts == [values[r.seq][r.t] for r in layout]  # data drawn in storage order
    assert cell_texts[:5] == ["b0", "d0", "a0", "c0", "b1"]
    legend = " ".join(t.get_text() for t in bottom.texts)
    assert "batch_sizes = [4, 4, 3, 2, 1]" in legend
    assert "sorted_indices = [1, 3, 0, 2]" in legend and "unsorted_indices = [2, 0, 3, 1]" in legend
    assert len(bottom.patches) == 14 and len(top.patches) == 20


def test_drawing_a_sorted_batch_says_none():
    seqs = sorted(four_sequences(), key=len, reverse=True)
    fig, _ = draw_packed(pack_sequence(seqs))
    legend = " ".join(t.get_text() for t in fig.axes[1].texts)
    assert "sorted_indices = None" in legend and "unsorted_indices = None" in legend
    assert "0,0" in [t.get_text() for t in fig.axes[1].texts]  # default labels b,t


def test_padding_share():
    lengths = [2, 4, 4, 1]
    assert padding_share(lengths, [[0, 1, 2, 3]]) == pytest.approx(1 - 11 / 16)
    assert padding_share(lengths, [[1, 2], [0, 3]]) == pytest.approx(1 - 11 / 12)
    assert padding_share([3, 3], [[0], [1]]) == 0


def test_random_batches_cover_every_index_once():
    batches = random_batches(10, 4, seed=1)
    assert [len(b) for b in batches] == [4, 4, 2]
    assert sorted(k for b in batches for k in b) == list(range(10))
    assert batches == random_batches(10, 4, seed=1) and batches != random_batches(10, 4, seed=2)


def test_buckets_waste_less_and_still_cover_everything():
    lengths = random_lengths(400, 5, 60, seed=0)
    assert min(lengths) >= 5 and max(lengths) <= 60 and len(set(lengths)) > 40
    buckets = bucket_batches(lengths, 32, seed=0)
    assert sorted(k for b in buckets for k in b) == list(range(400))
    for b in buckets:  # each batch spans a narrow band of lengths
        assert max(lengths[k] for k in b) - min(lengths[k] for k in b) <= 6
    shuffled = random_batches(400, 32, seed=0)
    assert padding_share(lengths, buckets) < 0.1 < 0.3 < padding_share(lengths, shuffled)
    firsts = [min(lengths[k] for k in b) for b in buckets]
    assert firsts != sorted(firsts)  # batches come in random order
    assert bucket_batches(lengths, 32, seed=1) != buckets


def test_padding_drift_grows_from_zero():
    torch.manual_seed(0)
    lstm = nn.LSTM(3, 4, batch_first=True)
    drift = padding_drift(lstm, length=5, pads=[0, 1, 4], trials=20)
    assert drift[0] == 0
    assert 0 < drift[1] < drift[2]


def test_step_counts():
    counts = step_counts([2, 4, 4, 1], [[1, 2], [0, 3]])
    assert counts == {"padded": 8 + 4, "real": 11, "loop": 4 + 2}


def test_time_epoch_runs_every_batch_forward_and_backward():
    torch.manual_seed(0)
    lstm = nn.LSTM(3, 4, batch_first=True)
    seqs = [torch.randn(n, 3) for n in (3, 7, 5, 2, 6)]
    batches = [[0, 1], [2, 3, 4]]
    for pack in (True, False):
        lstm.zero_grad()
        seconds = time_epoch(lstm, seqs, batches, pack=pack)
        assert seconds > 0 and lstm.weight_hh_l0.grad is not None
        assert lstm.weight_hh_l0.grad.abs().sum() > 0
    with pytest.raises(RuntimeError):  # the sequences must fit the layer
        time_epoch(nn.LSTM(2, 4, batch_first=True), seqs, batches)


def test_drawing_on_a_given_figure():
    from matplotlib.figure import Figure

    given = Figure(figsize=(9, 4))
    fig, layout = draw_packed(pack_sequence(four_sequences(), enforce_sorted=False), fig=given)
    assert fig is given and len(fig.axes) == 2 and len(layout) == 14
