"""Move a decision threshold and watch precision and recall trade places."""

from __future__ import annotations

import ipywidgets as W
import numpy as np
import torch

from .. import colours
from ..metrics import confusion_counts, precision_recall_curve, scores_from_counts
from ._base import MIN_FONT_PT, FigureWidget, readout_html


class ThresholdExplorer(FigureWidget):
    """Scores of a binary classifier on labelled data, and the rule "positive when score >= t".

    One slider sets t. The figure shows where the scores of each class fall (with t as a
    line), the confusion matrix at t, and the precision-recall curve with the point of t.
    `values` holds the counts and scores at the current threshold.
    """

    css_class = "rnnlab-threshold-explorer"

    def __init__(self, scores, labels, threshold: float = 0.5, names: tuple[str, str] = ("ham", "spam")):
        super().__init__(figsize=(9.6, 2.9))
        self.scores = torch.as_tensor(scores, dtype=torch.float64).reshape(-1)
        self.labels = torch.as_tensor(labels).reshape(-1).long()
        if self.scores.shape != self.labels.shape:
            raise ValueError("scores and labels must have the same length")
        self.names = names
        self.threshold = W.FloatSlider(
            value=round(threshold * 100) / 100,
            min=0.01,
            max=0.99,
            step=0.01,
            description="threshold",
            readout_format=".2f",
            continuous_update=True,
            style={"description_width": "6em"},
        )
        self.threshold.add_class("rnnlab-control-threshold")
        self.readout = W.HTML()
        self.readout.add_class("rnnlab-readout")
        self.values: dict = {}

        ax_h, ax_m, ax_c = self.fig.subplots(1, 3, width_ratios=[1.3, 0.8, 1])
        bins = np.linspace(0, 1, 26)
        for cls, color in ((0, colours.CLASSES["negative"]), (1, colours.CLASSES["positive"])):
            ax_h.hist(
                self.scores[self.labels == cls].numpy(), bins=bins, color=color, alpha=0.6, label=f"truly {names[cls]}"
            )
        ax_h.set(
            yscale="log",
            xlabel=f"score (predicted probability of {names[1]})",
            ylabel="messages",
            title="scores by true class",
        )
        ax_h.legend(fontsize=MIN_FONT_PT, loc="upper center")
        self.line = ax_h.axvline(threshold, color="k", lw=1.5)

        self.matrix = ax_m.imshow(np.zeros((2, 2)), vmin=0, vmax=1, cmap=colours.MAPS["counts"])
        ax_m.set(
            xticks=[0, 1],
            yticks=[0, 1],
            xticklabels=[f"pred. {n}" for n in names],
            yticklabels=[f"true {n}" for n in names],
            title="confusion matrix",
        )
        ax_m.grid(False)
        self.cell_text = [[ax_m.text(j, i, "", ha="center", va="center", fontsize=9) for j in (0, 1)] for i in (0, 1)]

        _, precision, recall = precision_recall_curve(self.scores, self.labels)
        ax_c.plot(recall.numpy(), precision.numpy(), color="#555555", lw=1)
        ax_c.set(
            xlim=(-0.02, 1.02),
            ylim=(-0.02, 1.02),
            xlabel="recall",
            ylabel="precision",
            title="precision against recall",
        )
        (self.dot,) = ax_c.plot([], [], "o", color=colours.CLASSES["chosen"], ms=8)
        self.animate(self.line, self.matrix, *self.cell_text[0], *self.cell_text[1], self.dot)

        self.threshold.observe(self.update, names="value")
        self.widget = W.VBox([self.threshold, W.HBox([self.image, self.readout])])
        self.widget.add_class(self.css_class)
        self.update()

    def compute(self, threshold: float) -> dict:
        predicted = (self.scores >= threshold).long()
        counts = confusion_counts(self.labels, predicted)
        return {"threshold": threshold, **counts, **scores_from_counts(**counts)}

    def alt_text(self) -> str:
        v, (neg, pos) = self.values, self.names
        return (
            f"Three charts at threshold {v['threshold']:.2f}: histograms of the scores of truly {neg} "
            f"and truly {pos} messages, the threshold marked; the confusion matrix, {v['tp']} of "
            f"{v['tp'] + v['fn']} {pos} caught and {v['fp']} of {v['fp'] + v['tn']} {neg} flagged as "
            f"{pos}; the precision-recall curve, the threshold's point at recall {v['recall']:.3f} "
            f"and precision {v['precision']:.3f}."
        )

    def update(self, change=None) -> None:
        v = self.values = self.compute(self.threshold.value)
        self.line.set_xdata([v["threshold"], v["threshold"]])
        counts = np.array([[v["tn"], v["fp"]], [v["fn"], v["tp"]]], dtype=float)
        shares = counts / np.maximum(counts.sum(1, keepdims=True), 1)  # each true class sums to 1
        self.matrix.set_data(shares)
        for i in (0, 1):
            for j in (0, 1):
                text = self.cell_text[i][j]
                text.set_text(f"{int(counts[i, j])}\n{shares[i, j]:.0%}")
                text.set_color("white" if shares[i, j] > 0.6 else "black")
        self.dot.set_data([v["recall"]], [v["precision"]])
        neg, pos = self.names
        self.readout.value = readout_html(
            [
                ("threshold", f"{v['threshold']:.2f}"),
                ("TP", str(v["tp"])),
                ("FP", str(v["fp"])),
                ("FN", str(v["fn"])),
                ("TN", str(v["tn"])),
                ("accuracy", f"{v['accuracy']:.3f}"),
                ("precision", f"{v['precision']:.3f}"),
                ("recall", f"{v['recall']:.3f}"),
                ("F1", f"{v['f1']:.3f}"),
                (f"{neg} flagged as {pos}", f"{v['fp']} of {v['fp'] + v['tn']}"),
                (f"{pos} missed", f"{v['fn']} of {v['fn'] + v['tp']}"),
            ]
        )
        self.render()
