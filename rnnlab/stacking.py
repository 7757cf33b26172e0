"""Where each layer and direction sits in h_n (and c_n) of a stacked, bidirectional LSTM.

PyTorch orders the first dimension of h_n layer by layer, and within a layer forward before
backward: index k holds layer k // D, direction k % D, for D directions. So
`h_n.view(num_layers, D, batch, hidden)[layer, direction]` picks one, and the top layer's
final forward and backward states are `h_n[-2]` and `h_n[-1]` when D = 2.
"""

from __future__ import annotations

from . import colours

DIRECTIONS = ("forward", "backward")
SHORT = ("fwd", "bwd")


def h_n_layout(num_layers: int, bidirectional: bool) -> list[tuple[int, int, int]]:
    """(index in h_n, layer, direction) for every slot of h_n's first dimension."""
    dirs = 2 if bidirectional else 1
    return [(k, k // dirs, k % dirs) for k in range(num_layers * dirs)]


def draw_h_n_layout(num_layers: int, bidirectional: bool, fig=None):
    """Draw h_n's first dimension as a row of slots, and the same slots after
    `view(num_layers, num_directions, batch, hidden)` as a grid of layers by directions.
    Returns (figure, layout) with layout = h_n_layout(...), the slots in the order drawn."""
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyArrowPatch, Rectangle

    layout = h_n_layout(num_layers, bidirectional)
    dirs = 2 if bidirectional else 1
    colors = colours.DIRECTIONS
    if fig is None:
        fig = Figure(figsize=(max(5.0, 1.3 * len(layout) + 1), 1.3 + 0.75 * num_layers))
    fig.set_layout_engine("constrained")
    ax = fig.subplots()
    width = 1.2
    top_y = num_layers * 0.9 + 1.0
    for k, layer, d in layout:
        x = k * (width + 0.1)
        ax.add_patch(Rectangle((x, top_y), width, 0.8, facecolor=colors[d], edgecolor="#555555", zorder=2))
        ax.text(
            x + width / 2, top_y + 0.4, f"h_n[{k}]\nlayer {layer}, {SHORT[d]}", ha="center", va="center", fontsize=8
        )
        gx, gy = d * (width + 0.1) + 0.5, (num_layers - 1 - layer) * 0.9
        ax.add_patch(Rectangle((gx, gy), width, 0.8, facecolor=colors[d], edgecolor="#555555", zorder=2))
        ax.text(gx + width / 2, gy + 0.4, f"[{layer}, {d}]", ha="center", va="center", fontsize=8, family="monospace")
        ax.add_patch(
            FancyArrowPatch(
                (x + width / 2, top_y),
                (gx + width / 2, gy + 0.8),
                arrowstyle="-|>",
                mutation_scale=8,
                color="#bbbbbb",
                lw=0.6,
                zorder=1,
            )
        )
    right = dirs * (width + 0.1) + 0.7
    for layer in range(num_layers):
        ax.text(
            right,
            (num_layers - 1 - layer) * 0.9 + 0.4,
            f"layer {layer}" + ("  (top)" if layer == num_layers - 1 else ""),
            ha="left",
            va="center",
            fontsize=8,
        )
    ax.text(0, top_y + 1.0, f"h_n: ({len(layout)}, batch, hidden)", fontsize=9, va="bottom")
    ax.text(
        right + 1.5,
        0.4 * num_layers,
        f"h_n.view({num_layers}, {dirs}, batch, hidden)\n[layer, direction]",
        fontsize=9,
        va="center",
    )
    ax.set(xlim=(-0.1, max(len(layout) * (width + 0.1), right + 4.5)), ylim=(-0.1, top_y + 1.5), aspect="equal")
    ax.axis("off")
    return fig, layout
