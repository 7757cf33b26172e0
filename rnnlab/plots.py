"""Plots shared by notebooks and widgets."""

from __future__ import annotations

import numpy as np

from . import colours
from .gates import GATE_TITLES, GATES


def show(fig, alt: str) -> None:
    """Show a matplotlib figure in the notebook as plt.show() would, with a text alternative
    `alt` saying what it shows: JupyterLab draws a figure's PNG output as an image without one
    (axe: image-alt, critical), so the figure goes out as an <img alt=...> of its PNG instead,
    and is closed."""
    import base64
    import html
    import io

    import matplotlib.pyplot as plt
    from IPython.display import HTML, display

    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")  # as the inline backend saves it
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    display(HTML(f'<img class="rnnlab-plot" alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'))


def saturation_axes(ax, saturation: dict | None = None) -> dict:
    """Draw the gate saturation plot of Karpathy, Johnson and Fei-Fei (2015) on `ax`.

    One dot per unit and gate: x is the share of steps the gate spends below 0.1, y the share
    above 0.9. Returns the scatter artists by gate so a widget can move the dots later.
    """
    dots = {}
    for g in GATES:
        left, right = saturation[g] if saturation else (np.empty(0), np.empty(0))
        dots[g] = ax.scatter(
            left, right, s=22, alpha=0.8, color=colours.GATES[g], marker=colours.GATE_MARKERS[g], label=GATE_TITLES[g]
        )
    ax.plot([0, 1], [1, 0], color="k", lw=0.6, alpha=0.5)
    ax.set(
        xlim=(-0.03, 1.03),
        ylim=(-0.03, 1.03),
        aspect="equal",
        xlabel="share of steps < 0.1",
        ylabel="share of steps > 0.9",
        title="gate saturation per unit",
    )
    ax.legend(fontsize=9, loc="upper right")  # 9 px on screen in a widget: still readable
    return dots


def loss_curve(ax, losses, label: str = "training loss", smooth: int = 10) -> None:
    """A loss curve with a moving average over `smooth` steps."""
    losses = np.asarray(losses, dtype=float)
    ax.plot(losses, alpha=0.3, color="C0")
    if len(losses) >= smooth:
        avg = np.convolve(losses, np.ones(smooth) / smooth, mode="valid")
        ax.plot(np.arange(smooth - 1, len(losses)), avg, color="C0", label=label)
    ax.set(xlabel="step", ylabel="loss")
    ax.legend()


def curves(ax, history, names: list[str], label_prefix: str = "", logy: bool = False) -> None:
    """Evaluation curves of a rnnlab.train.History (for example train against validation loss)."""
    for name in names:
        ax.plot(history.eval_steps, history.evals[name], marker=".", label=f"{label_prefix}{name}")
    ax.set(xlabel="step", yscale="log" if logy else "linear")
    ax.legend()


def confusion_matrix_axes(
    ax, y_true, y_pred, names: tuple[str, str] = ("negative", "positive"), cmap: str = colours.MAPS["counts"]
) -> np.ndarray:
    """Draw the 2 x 2 confusion matrix of 0/1 labels and predictions on `ax`, in scikit-learn's
    layout (rows the true class, columns the predicted one, class 0 first: [[TN, FP], [FN, TP]]),
    each cell shaded by its count and labelled with it. Returns the counts drawn."""
    from .metrics import confusion_matrix

    counts = confusion_matrix(y_true, y_pred).numpy()
    ax.imshow(counts, cmap=cmap, vmin=0)
    ax.set(
        xticks=[0, 1],
        yticks=[0, 1],
        xticklabels=list(names),
        yticklabels=list(names),
        xlabel="predicted label",
        ylabel="true label",
    )
    ax.grid(False)
    for i in (0, 1):
        for j in (0, 1):
            dark = counts[i, j] > counts.max() / 2
            ax.text(j, i, str(counts[i, j]), ha="center", va="center", color="white" if dark else "black")
    return counts
