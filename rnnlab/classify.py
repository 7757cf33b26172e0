"""A sequence classification task with rare positives, and an LSTM that learns it in seconds.

Messages are sequences of words from a vocabulary of 30, of 5 to 30 words each. About one in
ten is spam (imbalanced, like real spam or fraud data). What makes a message spam:

- most spam (85%) says "free" somewhere before "click". Ordinary mail uses those words too, alone
  or in the other order ("click the link ... are you free friday"), so counting words is not
  enough: the order matters, which is what a recurrent network can see;
- spam also uses lure words ("win", "prize", "offer", "now", "link") about five times as often.
  A spam message without the ordered pair can only be recognised by them, so no model finds
  every spam message and a threshold trades precision against recall (chapter 08).

Nothing is downloaded: `make_messages(n, seed)` generates the same messages for the same seed.
Batches are padded at the end with token 0 and come with their true lengths.
"""

from __future__ import annotations

import random
from typing import NamedTuple

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

PAD = 0
NEUTRAL = (
    "hi",
    "see",
    "you",
    "at",
    "the",
    "meeting",
    "tomorrow",
    "lunch",
    "today",
    "thanks",
    "for",
    "your",
    "report",
    "call",
    "me",
    "later",
    "are",
    "ok",
    "and",
    "friday",
    "a",
    "here",
)
LURE = ("win", "prize", "offer", "now", "link")
VOCAB = ("<pad>", "free", "click") + NEUTRAL + LURE
WORD_INDEX = {word: k for k, word in enumerate(VOCAB)}

SPAM_RATE = 0.1
PATTERN_RATE = 0.85  # share of spam that says "free" before "click"
LURE_RATE = {0: 0.03, 1: 0.15}  # chance that a word is a lure word, for ham (0) and spam (1)
MIN_LEN, MAX_LEN = 5, 30


class Messages(NamedTuple):
    """A padded batch: tokens (n, longest) int64 padded with PAD at the end, lengths (n,) int64
    on the CPU, labels (n,) int64 with 1 for spam."""

    tokens: torch.Tensor
    lengths: torch.Tensor
    labels: torch.Tensor

    @property
    def pad_at(self) -> str:
        return "end"

    def subset(self, index) -> Messages:
        """Some of the messages (index: slice, list or tensor), trimmed to their own longest."""
        lengths = self.lengths[index]
        return Messages(self.tokens[index][:, : int(lengths.max())], lengths, self.labels[index])

    def padded_at_start(self) -> MessagesPaddedAtStart:
        """The same messages with their padding moved in front of the first word (as tokenizers
        that pad on the left deliver them): row b ends with its lengths[b] words."""
        width = self.tokens.shape[1]
        # position j of the result takes position (j - (width - length)) mod width of the row:
        # the padding, which sits after the words, wraps round to the front
        source = (torch.arange(width) - (width - self.lengths)[:, None]) % width
        return MessagesPaddedAtStart(self.tokens.gather(1, source), self.lengths, self.labels)


class MessagesPaddedAtStart(Messages):
    """Messages whose padding comes before the first word: tokens[b, width - lengths[b]:] are
    message b's words."""

    @property
    def pad_at(self) -> str:
        return "start"

    def subset(self, index) -> MessagesPaddedAtStart:
        lengths = self.lengths[index]
        tokens = self.tokens[index]
        return MessagesPaddedAtStart(tokens[:, tokens.shape[1] - int(lengths.max()) :], lengths, self.labels[index])

    def padded_at_start(self) -> MessagesPaddedAtStart:
        return self


def message_words(rng: random.Random, spam: bool) -> list[str]:
    """One message as a list of words, drawn with `rng`."""
    n = rng.randint(MIN_LEN, MAX_LEN)
    lure, uniform, choice = LURE_RATE[int(spam)], rng.random, rng.choice
    words = [choice(LURE) if uniform() < lure else choice(NEUTRAL) for _ in range(n)]
    if spam:
        if rng.random() < PATTERN_RATE:
            first, second = sorted(rng.sample(range(n), 2))
            words[first], words[second] = "free", "click"
    else:
        kind = rng.random()
        if kind < 0.2:  # both words, in the harmless order
            first, second = sorted(rng.sample(range(n), 2))
            words[first], words[second] = "click", "free"
        elif kind < 0.4:
            words[rng.randrange(n)] = "free"
        elif kind < 0.6:
            words[rng.randrange(n)] = "click"
    return words


def encode_words(words: list[str]) -> torch.Tensor:
    return torch.tensor([WORD_INDEX[w] for w in words], dtype=torch.long)


def make_messages(n: int, seed: int, spam_rate: float = SPAM_RATE, pad_at: str = "end") -> Messages:
    """`n` messages, the same ones for the same seed; each is spam with probability `spam_rate`.
    `pad_at="start"` puts the padding before each message's first word instead of after its last."""
    if pad_at not in ("end", "start"):
        raise ValueError(f'pad_at should be "end" or "start", not {pad_at!r}')
    rng = random.Random(seed)
    labels = [int(rng.random() < spam_rate) for _ in range(n)]
    # padded at the end with PAD, built in one tensor call (training draws a batch at every step)
    rows = [[WORD_INDEX[w] for w in message_words(rng, bool(y))] for y in labels]
    width = max(map(len, rows))
    tokens = torch.tensor([row + [PAD] * (width - len(row)) for row in rows], dtype=torch.long)
    lengths = torch.tensor([len(row) for row in rows], dtype=torch.long)
    messages = Messages(tokens, lengths, torch.tensor(labels, dtype=torch.long))
    return messages.padded_at_start() if pad_at == "start" else messages


def decode(tokens: torch.Tensor, length: int | None = None) -> str:
    """A message's words as text (padding left out)."""
    ids = tokens.tolist()[:length] if length is not None else [t for t in tokens.tolist() if t != PAD]
    return " ".join(VOCAB[t] for t in ids)


def encode(text: str) -> Messages:
    """One message typed as text, as a batch of one (label 0)."""
    tokens = encode_words(text.split())
    return Messages(tokens.unsqueeze(0), torch.tensor([len(tokens)]), torch.tensor([0]))


class SpamClassifier(nn.Module):
    """nn.Embedding -> nn.LSTM -> nn.Linear on the LSTM's final hidden state.

    forward(tokens, lengths): tokens (batch, seq_len) int64 padded with PAD at the end, lengths
    (batch,) int64 on the CPU; returns logits (batch, num_classes). The batch is packed, so the
    LSTM stops at each message's last real word and h_n[-1] is the state there.
    """

    def __init__(self, vocab_size: int = len(VOCAB), embed_dim: int = 16, hidden_size: int = 32, num_classes: int = 2):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=PAD)
        self.lstm = nn.LSTM(embed_dim, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, num_classes)

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        packed = pack_padded_sequence(self.embed(tokens), lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, (h_n, _) = self.lstm(packed)
        return self.head(h_n[-1])


class _TokensAndLengths(nn.Module):
    """Adapts forward(tokens, lengths) to rnnlab.train.fit, which calls model(inputs)."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model

    def forward(self, inputs):
        return self.model(*inputs)


def train_classifier(
    model: nn.Module,
    steps: int = 200,
    batch_size: int = 64,
    seed: int = 0,
    lr: float = 1e-2,
    class_weight: float = 3.0,
    progress: bool = True,
    evaluate=None,
    eval_every: int = 50,
    data: Messages | None = None,
    pad_at: str = "end",
):
    """Train a forward(tokens, lengths) classifier with Adam and cross-entropy; returns its History.

    Each step draws a fresh batch of `batch_size` messages (seeded by `seed` and the step), or,
    when `data` is given, a random batch of those messages only (a fixed training set).
    `class_weight` multiplies the loss of spam messages, because spam is the rare class: with one
    message in ten spam, an unweighted model first learns to answer "ham" to everything (recall
    0 after 25 steps on every seed tried) and picks spam up late and unsteadily; weighted 3, it
    learns the rare class sooner and more steadily within the 200 steps. The weight says nothing
    about which error costs more: that is the decision threshold's job (chapter 08), and for a
    spam folder the costly error is a good message flagged, so the threshold is chosen for
    precision.
    `evaluate(model)` as in rnnlab.train.fit. `pad_at="start"` trains on messages padded before
    their first word (see `Messages.padded_at_start`).
    """
    from .train import fit

    weight = torch.tensor([1.0, class_weight])
    generator = torch.Generator().manual_seed(seed)

    def make_batch(step):
        if data is None:
            batch = make_messages(batch_size, seed=seed * 1_000_003 + step, pad_at=pad_at)
        else:
            batch = data.subset(torch.randint(len(data.labels), (batch_size,), generator=generator))
            batch = batch.padded_at_start() if pad_at == "start" else batch
        return (batch.tokens, batch.lengths), batch.labels

    def loss_fn(logits, labels):
        return nn.functional.cross_entropy(logits, labels, weight=weight)

    wrapped_eval = None if evaluate is None else (lambda m: evaluate(m.model))
    return fit(
        _TokensAndLengths(model),
        make_batch,
        loss_fn,
        steps,
        lr=lr,
        evaluate=wrapped_eval,
        eval_every=eval_every,
        progress=progress,
        desc="spam classifier",
    )


@torch.no_grad()
def spam_scores(model: nn.Module, data: Messages, batch_size: int = 500) -> torch.Tensor:
    """P(spam) for every message: softmax of the logits, in eval mode, in batches."""
    was_training = model.training
    model.eval()
    scores = []
    for start in range(0, len(data.labels), batch_size):
        part = data.subset(slice(start, start + batch_size))
        scores.append(model(part.tokens, part.lengths).softmax(-1)[:, 1])
    model.train(was_training)
    return torch.cat(scores)


def accuracy_and_recall(model: nn.Module, data: Messages, threshold: float = 0.5) -> tuple[float, float]:
    """(accuracy, recall on spam) of the rule "spam when P(spam) >= threshold"."""
    predicted = (spam_scores(model, data) >= threshold).long()
    accuracy = (predicted == data.labels).float().mean().item()
    spam = data.labels == 1
    recall = (predicted[spam] == 1).float().mean().item() if bool(spam.any()) else float("nan")
    return accuracy, recall


# ---- shipped weights: chapter 04's classifier as trained on the course's machine --------------
# Chapter 08 judges this model (metrics, thresholds, the confusion matrix); it loads it instead of
# training it again, so every student judges the same model. `python -m rnnlab.classify make-weights`.

SHIPPED = {"steps": 200, "seed": 0}
SHIPPED_FILE = "spam_classifier.pt"


def make_weights(progress: bool = True) -> SpamClassifier:
    """Train the shipped classifier from its fixed seed, as chapter 04 (and ps04) train it."""
    torch.manual_seed(SHIPPED["seed"])
    model = SpamClassifier()
    train_classifier(model, steps=SHIPPED["steps"], seed=SHIPPED["seed"], progress=progress)
    return model.eval()


def load_trained_classifier() -> SpamClassifier:
    """The shipped classifier (SHIPPED: 200 steps from seed 0); as initialised, untrained, under
    RNNLAB_UNTRAINED=1 (`rnnlab.shipped.load_shipped`)."""
    from .shipped import load_shipped

    torch.manual_seed(SHIPPED["seed"])
    return load_shipped(SpamClassifier(), SHIPPED_FILE, "python -m rnnlab.classify make-weights")


if __name__ == "__main__":
    from .shipped import make_weights_command

    raise SystemExit(
        make_weights_command(
            None, "python -m rnnlab.classify", "chapter 08's shipped classifier", make_weights, SHIPPED_FILE
        )
    )
