"""Counted n-gram models of characters, and losses by kind of character.

Karpathy, Johnson and Fei-Fei ("Visualizing and Understanding Recurrent Networks", 2015) compare
an LSTM's errors with those of n-gram models, character by character. The n-gram models here are
counts with interpolated Witten-Bell smoothing: the probability of c after a context h mixes what
followed h in the training text with the probability after the shorter context h', weighted by how
many different characters followed h (a context seen with many followers leaves more room for the
shorter one):

    P(c | h) = (C(h c) + N(h) P(c | h')) / (C(h) + N(h)),   N(h) = number of distinct c after h

down to order 1, which mixes the unigram counts with a uniform distribution the same way. Every
P(. | h) sums to 1 over the vocabulary, and no character has probability 0.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict

# the kinds of character the paper's comparison is read by
KINDS = ("letter", "digit", "whitespace", "open bracket", "close bracket", "quote", "other")


def kind_of(ch: str) -> str:
    if ch.isalpha():
        return "letter"
    if ch.isdigit():
        return "digit"
    if ch in " \n\t":
        return "whitespace"
    if ch in "([{":
        return "open bracket"
    if ch in ")]}":
        return "close bracket"
    if ch in "'\"":
        return "quote"
    return "other"


class NGram:
    """Counts of `order`-grams of a training text (a string or a list of ids), Witten-Bell interpolated."""

    def __init__(self, order: int, train, vocab_size: int):
        if order < 1:
            raise ValueError(f"an n-gram model has order 1 or more, not {order}")
        if vocab_size < 1:
            raise ValueError("the vocabulary needs at least one symbol")
        self.order, self.vocab_size = order, vocab_size
        seq = list(train)
        # follow[n][context] counts what followed each context of length n (n = 0: the unigram counts)
        self.follow = [defaultdict(Counter) for _ in range(order)]
        for i, c in enumerate(seq):
            for n in range(min(order - 1, i) + 1):
                self.follow[n][tuple(seq[i - n:i])][c] += 1

    def prob(self, c, context) -> float:
        """P(c | the last order - 1 symbols of `context`)."""
        context = tuple(context)[-(self.order - 1):] if self.order > 1 else ()
        p = 1.0 / self.vocab_size
        for n in range(0, len(context) + 1):
            seen = self.follow[n].get(context[len(context) - n:] if n else ())
            if not seen:
                break            # a longer context that was never seen has no counts either
            total, distinct = sum(seen.values()), len(seen)
            p = (seen[c] + distinct * p) / (total + distinct)
        return p

    def nll(self, seq) -> list[float]:
        """-log P of every symbol of `seq` after the first, each from the symbols before it in `seq`."""
        seq = list(seq)
        return [-math.log(self.prob(seq[i], seq[max(0, i - self.order + 1):i])) for i in range(1, len(seq))]


def mean_by_kind(nll, text: str) -> dict[str, float]:
    """Mean loss for each kind of character, `nll[i]` being the loss of predicting text[i + 1]
    (kinds absent from the text are left out)."""
    if len(nll) != len(text) - 1:
        raise ValueError(f"{len(nll)} losses for a text of {len(text)} characters: expected one per character after the first")
    sums, counts = Counter(), Counter()
    for loss, ch in zip(nll, text[1:]):
        k = kind_of(ch)
        sums[k] += float(loss)
        counts[k] += 1
    return {k: sums[k] / counts[k] for k in KINDS if counts[k]}
