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

from collections import Counter

import numpy as np

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


PIECE = 1 << 20  # characters read at a time: a text's temporary arrays stay a few MB


def _code_points(text: str):
    """(start, code points of text[start:start + PIECE]) for each piece of the text, uint32."""
    for start in range(0, len(text), PIECE):
        yield start, np.frombuffer(text[start : start + PIECE].encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


class NGram:
    """Counts of `order`-grams of a training text (a string or a list of ids), Witten-Bell interpolated.

    The counts are kept as sorted arrays of integer keys (a context of n symbols is one number in
    base K + 1, K the number of distinct training symbols), so that counting a million characters
    and scoring a text take numpy's sorts and searches, not a Python loop per character."""

    DENSE = 2**22  # a level with at most this many possible keys is counted with bincount, not sorted

    def __init__(self, order: int, train, vocab_size: int):
        if order < 1:
            raise ValueError(f"an n-gram model has order 1 or more, not {order}")
        if vocab_size < 1:
            raise ValueError("the vocabulary needs at least one symbol")
        self.order, self.vocab_size = order, vocab_size
        seq = train if isinstance(train, str) else list(train)
        if isinstance(seq, str):  # a text's distinct characters from its code points, at numpy's speed
            present = np.zeros(0x110000, dtype=bool)
            for _, codes in _code_points(seq):
                present[codes] = True
            self.symbols = {chr(c): k for k, c in enumerate(np.flatnonzero(present).tolist())}
        else:
            self.symbols = {c: k for k, c in enumerate(dict.fromkeys(seq))}
        self.base = len(self.symbols) + 1  # the last id stands for any unseen symbol
        self._chars = all(isinstance(c, str) and len(c) == 1 for c in self.symbols)
        if self.base**order >= 2**62:
            raise ValueError(f"order {order} over {self.base - 1} symbols is too long for 64-bit keys")
        ids = self._ids(seq)
        # levels[n]: for contexts of n symbols (n = 0: the unigram counts), sorted context keys with
        # their totals and numbers of distinct followers, and sorted (context, next) keys with counts.
        # One sort per level: the sorted pairs hold their contexts sorted too, in runs. Two int64
        # arrays of the text's length, used in place level after level, besides its ids (bytes):
        # 150 MB for 9.5 M characters, plus a sort's temporaries (244 MB at the most, measured).
        self.levels = []
        key = np.zeros(len(ids), dtype=np.int64)  # _context_keys(ids, n), one symbol longer each level
        buffer = np.empty(len(ids), dtype=np.int64)
        for n in range(order):
            if len(ids) <= n:
                break
            if n:
                key[n:] *= self.base
                key[n:] += ids[:-n]
            keyed = np.multiply(key[n:], self.base, out=buffer[: len(ids) - n])
            keyed += ids[n:]
            if self.base ** (n + 1) <= self.DENSE:  # few possible keys: count them all in one pass
                counts = np.bincount(keyed)
                pairs = np.flatnonzero(counts)
                counts = counts[pairs]
            else:  # otherwise sort them in place and read the runs
                keyed.sort()
                starts = np.flatnonzero(np.r_[True, keyed[1:] != keyed[:-1]])
                pairs, counts = keyed[starts], np.diff(np.r_[starts, len(keyed)])
            of_pair = pairs // self.base
            starts = np.flatnonzero(np.r_[True, of_pair[1:] != of_pair[:-1]])
            keys, totals = of_pair[starts], np.add.reduceat(counts, starts)
            distinct = np.diff(np.r_[starts, len(pairs)])
            self.levels.append((keys, totals, distinct, pairs, counts))

    def _ids(self, seq) -> np.ndarray:
        unseen = self.base - 1
        if isinstance(seq, str) and self._chars:  # a text: one table lookup per character
            table = np.full(max(map(ord, self.symbols), default=0) + 2, unseen, dtype=np.int64)  # last: any other
            for c, k in self.symbols.items():
                table[ord(c)] = k
            ids = np.empty(len(seq), dtype=np.uint8 if self.base <= 256 else np.int64)  # 76 MB less on 9.5 M
            for start, codes in _code_points(seq):
                ids[start : start + len(codes)] = table[np.minimum(codes, len(table) - 1)]
            return ids
        return np.array([self.symbols.get(c, unseen) for c in seq], dtype=np.int64)

    def _context_keys(self, ids: np.ndarray, n: int) -> np.ndarray:
        """Key of the n symbols before each position (positions before n get a partial key)."""
        key = np.zeros(len(ids), dtype=np.int64)
        for j in range(1, n + 1):
            key[j:] = key[j:] * self.base + ids[:-j]
        return key

    def _log_probs(self, ids: np.ndarray, order: int) -> np.ndarray:
        """log P(ids[i] | the up to order - 1 ids before it) for every i >= 1."""
        positions = np.arange(1, len(ids))
        p = np.full(len(positions), 1.0 / self.vocab_size)
        alive = np.ones(len(positions), dtype=bool)
        nxt = ids[1:]
        for n, (keys, totals, distinct, pairs, counts) in enumerate(self.levels[:order]):
            ctx = self._context_keys(ids, n)[1:]
            alive &= positions >= n  # the context is n symbols long
            k = np.searchsorted(keys, ctx).clip(max=len(keys) - 1)
            alive &= keys[k] == ctx  # a longer context never seen has no counts either
            if not alive.any():
                break
            pair = ctx * self.base + nxt
            j = np.searchsorted(pairs, pair).clip(max=len(pairs) - 1)
            seen = np.where(pairs[j] == pair, counts[j], 0)
            mixed = (seen + distinct[k] * p) / (totals[k] + distinct[k])
            p = np.where(alive, mixed, p)
        return np.log(p)

    def prob(self, c, context) -> float:
        """P(c | the last order - 1 symbols of `context`)."""
        context = list(context)[-(self.order - 1) :] if self.order > 1 else []
        return float(np.exp(self._log_probs(self._ids([None] + context + [c]), self.order)[-1]))

    def nll(self, seq, order: int | None = None) -> list[float]:
        """-log P of every symbol of `seq` after the first, each from the symbols before it in `seq`;
        `order` below the model's gives the model of that order counted on the same text (one
        count of order 7 holds those of orders 1 to 6)."""
        order = self.order if order is None else order
        if not 1 <= order <= self.order:
            raise ValueError(f"this model counts orders 1 to {self.order}, not {order}")
        seq = list(seq)
        if len(seq) < 2:
            return []
        return (-self._log_probs(self._ids(seq), order)).tolist()


def mean_by_kind(nll, text: str) -> dict[str, float]:
    """Mean loss for each kind of character, `nll[i]` being the loss of predicting text[i + 1]
    (kinds absent from the text are left out)."""
    if len(nll) != len(text) - 1:
        raise ValueError(
            f"{len(nll)} losses for a text of {len(text)} characters: expected one per character after the first"
        )
    sums, counts = Counter(), Counter()
    for loss, ch in zip(nll, text[1:]):
        k = kind_of(ch)
        sums[k] += float(loss)
        counts[k] += 1
    return {k: sums[k] / counts[k] for k in KINDS if counts[k]}
