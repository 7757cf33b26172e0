"""Batches of different lengths: pictures and measurements for chapter 05.

A PackedSequence stores a batch time step by time step: first the step-0 values of every
sequence (longest sequence first), then the step-1 values of every sequence still running,
and so on. `packed_layout` says which sequence and step each row of `data` comes from;
`draw_packed` draws the padded batch next to that layout, with `batch_sizes`,
`sorted_indices` and `unsorted_indices`. `padding_share`, `random_batches` and
`bucket_batches` measure how much of a padded batch is wasted, and how grouping by length
reduces it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import torch
from torch.nn.utils.rnn import PackedSequence

from . import colours

# one colour per original sequence, light enough to read black text on (rnnlab.colours)
SEQ_COLORS = colours.SEQUENCES
PAD_COLOR = colours.PAD


@dataclass(frozen=True)
class PackedRow:
    """Row `row` of a PackedSequence's data: step `t` of the sequence at batch index `seq`."""

    row: int
    t: int
    seq: int


def packed_layout(packed: PackedSequence) -> list[PackedRow]:
    """Where each row of `packed.data` comes from, in the order PyTorch stores them.

    At time step t the first `batch_sizes[t]` sequences of the sorted order are still running;
    `sorted_indices[k]` is the original batch index of the k-th longest sequence (k itself when
    the batch was packed with enforce_sorted=True, where PyTorch stores None).
    """
    sizes = [int(n) for n in packed.batch_sizes]
    order = list(range(sizes[0])) if packed.sorted_indices is None else [int(k) for k in packed.sorted_indices]
    rows, row = [], 0
    for t, size in enumerate(sizes):
        for k in range(size):
            rows.append(PackedRow(row, t, order[k]))
            row += 1
    if row != packed.data.shape[0]:
        raise ValueError(f"batch_sizes add up to {row} rows but data has {packed.data.shape[0]}")
    return rows


def lengths_from_layout(layout: list[PackedRow]) -> dict[int, int]:
    """Length of every sequence (by original batch index) implied by a layout."""
    lengths: dict[int, int] = {}
    for r in layout:
        lengths[r.seq] = max(lengths.get(r.seq, 0), r.t + 1)
    return lengths


def _cell(ax, x, y, text, color, hatch=None, fontsize=8):
    from matplotlib.patches import Rectangle

    ax.add_patch(Rectangle((x, y), 1, 1, facecolor=color, edgecolor="#555555", lw=0.8, hatch=hatch))
    if text:
        ax.text(x + 0.5, y + 0.5, text, ha="center", va="center", fontsize=fontsize, family="monospace")


def draw_packed(
    packed: PackedSequence, names: list[str] | None = None, values: list[list[str]] | None = None, fig=None
):
    """Draw a packed batch: the padded batch on top, `data` row by row below it.

    `names` labels the original sequences (default "seq 0", "seq 1", ...); `values[b][t]` is
    the text shown for step t of sequence b (default "b,t"). Draws on `fig` (for example
    `plt.figure(figsize=(9, 4))` in a notebook), or on a new Figure sized to the batch.
    Returns (figure, layout), where layout is `packed_layout(packed)`: exactly the cells drawn
    in the lower panel, left to right.
    """
    from matplotlib.figure import Figure

    layout = packed_layout(packed)
    lengths = lengths_from_layout(layout)
    batch, steps = len(lengths), len(packed.batch_sizes)
    names = names or [f"seq {b}" for b in range(batch)]
    label = (lambda b, t: values[b][t]) if values else (lambda b, t: f"{b},{t}")
    color = lambda b: SEQ_COLORS[b % len(SEQ_COLORS)]

    if fig is None:
        fig = Figure(figsize=(max(6.0, 0.55 * len(layout) + 1.5), 2.2 + 0.35 * batch))
    fig.set_layout_engine("constrained")
    top, bottom = fig.subplots(2, 1, height_ratios=[batch + 1.2, 3.2])

    # the padded batch: one row per original sequence, padding greyed and hatched
    for b in range(batch):
        y = batch - 1 - b
        for t in range(steps):
            real = t < lengths[b]
            _cell(
                top, t, y, label(b, t) if real else "pad", color(b) if real else PAD_COLOR, hatch=None if real else "//"
            )
        top.text(-0.2, y + 0.5, f"{names[b]} (length {lengths[b]})", ha="right", va="center", fontsize=8)
    for t in range(steps):
        top.text(t + 0.5, batch + 0.15, f"t={t}", ha="center", va="bottom", fontsize=8)
    top.set(xlim=(-0.1, steps + 0.1), ylim=(-0.1, batch + 0.8), aspect="equal")
    top.set_title("padded batch (batch_first): what pad_sequence makes", fontsize=9)
    top.axis("off")

    # data: the rows of every time step, grouped, with batch_sizes under each group
    for r in layout:
        _cell(bottom, r.row, 1, label(r.seq, r.t), color(r.seq))
        bottom.text(r.row + 0.5, 2.15, str(r.row), ha="center", va="bottom", fontsize=7, color="#555555")
    start = 0
    for t, size in enumerate(int(n) for n in packed.batch_sizes):
        bottom.plot([start + 0.05, start + size - 0.05], [0.85, 0.85], color="k", lw=1)
        bottom.text(start + size / 2, 0.7, f"t={t}\n{size}", ha="center", va="top", fontsize=8)
        start += size
    sorted_idx = "None" if packed.sorted_indices is None else str(packed.sorted_indices.tolist())
    unsorted_idx = "None" if packed.unsorted_indices is None else str(packed.unsorted_indices.tolist())
    bottom.text(
        0,
        -0.75,
        f"batch_sizes = {packed.batch_sizes.tolist()}    sorted_indices = "
        f"{sorted_idx}    unsorted_indices = {unsorted_idx}",
        ha="left",
        va="top",
        fontsize=8,
        family="monospace",
    )
    bottom.set(xlim=(-0.1, len(layout) + 0.1), ylim=(-1.3, 2.6), aspect="equal")
    bottom.set_title("packed.data, row by row (row number above; time step and batch size below)", fontsize=9)
    bottom.axis("off")
    return fig, layout


def padding_share(lengths, batches: list[list[int]]) -> float:
    """Share of the padded slots (batch size times longest length, summed over batches)
    that hold padding rather than real steps."""
    lengths = [int(n) for n in lengths]
    slots = sum(len(idx) * max(lengths[k] for k in idx) for idx in batches)
    real = sum(lengths[k] for idx in batches for k in idx)
    return 1 - real / slots


def random_batches(n: int, batch_size: int, seed: int = 0) -> list[list[int]]:
    """The usual shuffled batches: indices 0..n-1 in random order, cut into batches."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [order[k : k + batch_size] for k in range(0, n, batch_size)]


def bucket_batches(lengths, batch_size: int, seed: int = 0) -> list[list[int]]:
    """Batches of sequences of similar length, in random order.

    Sort the indices by length (ties broken at random), cut the sorted list into batches, and
    shuffle the batches: each batch wastes little padding, and training still sees the batches
    in a new order every epoch (pass a new seed). Usable as a DataLoader's batch_sampler.
    """
    rng = random.Random(seed)
    lengths = [int(n) for n in lengths]
    keys = [(n, rng.random(), k) for k, n in enumerate(lengths)]
    order = [k for _, _, k in sorted(keys)]
    batches = [order[k : k + batch_size] for k in range(0, len(order), batch_size)]
    rng.shuffle(batches)
    return batches


def random_lengths(n: int, low: int, high: int, seed: int = 0) -> list[int]:
    """`n` lengths drawn uniformly from low..high (inclusive), reproducibly."""
    rng = np.random.default_rng(seed)
    return rng.integers(low, high + 1, size=n).tolist()


def padding_drift(lstm: torch.nn.LSTM, length: int, pads: list[int], trials: int = 100, seed: int = 0) -> list[float]:
    """How far h_n moves when a sequence is fed with zero padding after its real steps and no
    packing: for each number of padding steps, the mean over `trials` random sequences of the
    largest absolute difference from h_n of the sequence alone. `lstm` must be batch_first."""
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(trials, length, lstm.input_size, generator=gen)
    out = []
    with torch.no_grad():
        _, (h_alone, _) = lstm(x)
        for pad in pads:
            padded = torch.cat([x, x.new_zeros(trials, pad, lstm.input_size)], dim=1)
            _, (h_pad, _) = lstm(padded)
            out.append(float((h_pad - h_alone).abs().amax(dim=(0, 2)).mean()))
    return out


def step_counts(lengths, batches: list[list[int]]) -> dict[str, int]:
    """What an LSTM computes for these batches, counted in (sequence, time step) pairs.

    `padded`: every slot of every padded batch (what an LSTM fed without packing computes);
    `real`: the real steps only (what it computes from packed batches); `loop`: the number of
    time steps the layer loops over, one per step of each batch's longest sequence, padded or
    packed alike.
    """
    lengths = [int(n) for n in lengths]
    longest = [max(lengths[k] for k in idx) for idx in batches]
    return {
        "padded": sum(len(idx) * m for idx, m in zip(batches, longest)),
        "real": sum(lengths[k] for idx in batches for k in idx),
        "loop": sum(longest),
    }


def time_epoch(
    lstm: torch.nn.LSTM, sequences: list[torch.Tensor], batches: list[list[int]], pack: bool = True
) -> float:
    """Seconds for one pass of forward and backward over `batches` of `sequences` (each of
    shape (length, features)), padded, and packed when `pack`; `lstm` must be batch_first."""
    import time

    from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence

    start = time.perf_counter()
    for idx in batches:
        seqs = [sequences[k] for k in idx]
        batch = pad_sequence(seqs, batch_first=True)
        if pack:
            lengths = torch.tensor([len(s) for s in seqs])
            batch = pack_padded_sequence(batch, lengths, batch_first=True, enforce_sorted=False)
        _, (h_n, _) = lstm(batch)
        h_n.sum().backward()
    return time.perf_counter() - start
