"""Labelling every step of a sequence: a task that needs the future, and an LSTM tagger.

The "seen again" task: read a string of letters and, at every position, say whether the same
letter appears again later in the string. At the last position the answer is always no; near
the start it is usually yes. A left-to-right LSTM can only guess from the position; a
bidirectional one reads the rest of the string backwards and knows.
"""

from __future__ import annotations

import torch
from torch import nn

from .train import fit, fused_adam

LETTERS = "abcdef"


def seen_again(text: str) -> list[int]:
    """1 where the letter at that position occurs again later in `text`, else 0."""
    return [int(ch in text[k + 1 :]) for k, ch in enumerate(text)]


def encode_letters(text: str) -> torch.Tensor:
    """One-hot (len(text), len(LETTERS)); raises ValueError for any other character."""
    bad = sorted(set(text) - set(LETTERS))
    if bad:
        raise ValueError(f"use only the letters {LETTERS!r}, not {''.join(bad)!r}")
    idx = torch.tensor([LETTERS.index(ch) for ch in text], dtype=torch.long)
    return nn.functional.one_hot(idx, len(LETTERS)).float()


def random_letters(n: int, length: int, seed: int) -> torch.Tensor:
    """Letter indices (n, length), uniform over LETTERS, reproducibly from `seed`."""
    gen = torch.Generator().manual_seed(seed)
    return torch.randint(0, len(LETTERS), (n, length), generator=gen)


def seen_again_batch(n: int, length: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs (n, length, 6) one-hot, batch first, and labels (n, length), reproducibly: the
    strings of `random_letters(n, length, seed)`, encoded as `encode_letters` and labelled as
    `seen_again` would, computed on the whole batch at once (training draws a batch per step)."""
    idx = random_letters(n, length, seed)
    x = nn.functional.one_hot(idx, len(LETTERS)).float()
    same = idx.unsqueeze(2) == idx.unsqueeze(1)  # [b, t, u]: letter t is letter u
    later = torch.ones(length, length, dtype=torch.bool).triu(1)  # u after t
    y = (same & later).any(dim=2).long()
    return x, y


def best_causal_accuracy(length: int) -> float:
    """The best per-step accuracy any model that only reads the past can reach on random
    strings: at position t the letter recurs with probability 1 - (5/6)^(length-1-t), and the
    best guess is whichever outcome is more likely."""
    keep = 1 - 1 / len(LETTERS)
    p = [1 - keep ** (length - 1 - t) for t in range(length)]
    return sum(max(q, 1 - q) for q in p) / length


class Tagger(nn.Module):
    """One-hot letters -> nn.LSTM (batch_first) -> a linear layer at every step -> 2 logits."""

    def __init__(self, hidden_size: int = 12, num_layers: int = 1, bidirectional: bool = True):
        super().__init__()
        self.lstm = nn.LSTM(
            len(LETTERS), hidden_size, num_layers=num_layers, bidirectional=bidirectional, batch_first=True
        )
        self.head = nn.Linear(hidden_size * (2 if bidirectional else 1), 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        output, _ = self.lstm(x)  # (batch, seq_len, directions * hidden)
        return self.head(output)  # (batch, seq_len, 2)

    @torch.no_grad()
    def predict(self, text: str) -> list[int]:
        return self(encode_letters(text).unsqueeze(0)).argmax(-1).squeeze(0).tolist()


def tag_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    return nn.functional.cross_entropy(logits.flatten(0, 1), labels.flatten())


def train_tagger(
    bidirectional: bool = True,
    num_layers: int = 1,
    hidden_size: int = 12,
    steps: int = 300,
    length: int = 12,
    batch: int = 32,
    seed: int = 0,
    lr: float = 0.05,
    progress: bool = True,
) -> tuple[Tagger, list[float]]:
    """Train a Tagger on fresh random strings; returns (model, loss per step)."""
    torch.manual_seed(seed)
    model = Tagger(hidden_size, num_layers, bidirectional)
    history = fit(
        model,
        lambda step: seen_again_batch(batch, length, seed * 100_000 + step),
        tag_loss,
        steps,
        optimizer=fused_adam(model.parameters(), lr),
        progress=progress,
        desc="bidirectional tagger" if bidirectional else "forward tagger",
    )
    return model, history.loss


@torch.no_grad()
def tag_accuracy(model: nn.Module, n: int = 500, length: int = 12, seed: int = 999) -> float:
    """Share of positions labelled right, on `n` new strings."""
    x, y = seen_again_batch(n, length, seed)
    return (model(x).argmax(-1) == y).float().mean().item()


# ---- shipped weights: chapter 06's bidirectional tagger as trained on the course's machine ------
# Chapter 06 reads this one model's gates (which direction of which layer keeps its memory) and
# shows it in a widget, so every student sees the same model; training it takes about two
# seconds and a few seeds stay on the plateau of guessing by position (seeds 9 and 11 of 0-11),
# which the lecture tells and lets a student try. `python -m rnnlab.tagging make-weights`.

SHIPPED = {"bidirectional": True, "num_layers": 2, "hidden_size": 12, "steps": 250, "lr": 0.03, "seed": 0}
SHIPPED_FILE = "bi_tagger.pt"


def make_weights(progress: bool = True) -> Tagger:
    """Train the shipped tagger from its fixed seed, with the settings chapter 06 shows."""
    return train_tagger(**SHIPPED, progress=progress)[0].eval()


def load_trained_tagger() -> Tagger:
    """The shipped bidirectional tagger (SHIPPED: two layers, 250 steps from seed 0); as
    initialised, untrained, under RNNLAB_UNTRAINED=1 (`rnnlab.shipped.load_shipped`)."""
    from .shipped import load_shipped

    torch.manual_seed(SHIPPED["seed"])
    model = Tagger(SHIPPED["hidden_size"], SHIPPED["num_layers"], SHIPPED["bidirectional"])
    return load_shipped(model, SHIPPED_FILE, "python -m rnnlab.tagging make-weights")


if __name__ == "__main__":
    from .shipped import make_weights_command

    raise SystemExit(
        make_weights_command(
            None, "python -m rnnlab.tagging", "chapter 06's shipped tagger", make_weights, SHIPPED_FILE
        )
    )


def spread_seed(seed: int) -> dict[str, dict[str, float]]:
    """Chapter 06's two taggers trained from `seed`, their accuracy on the test strings (one seed
    of `python -m rnnlab.spread make tagger`): one direction as the lecture trains it, and the
    shipped settings (two bidirectional layers)."""
    one, _ = train_tagger(bidirectional=False, num_layers=1, steps=100, seed=seed, progress=False)
    both, _ = train_tagger(**dict(SHIPPED, seed=seed), progress=False)
    with torch.no_grad():
        return {"test accuracy": {"one direction": tag_accuracy(one), "bidirectional, 2 layers": tag_accuracy(both)}}


spread_seed.LOWER_IS_BETTER = False
