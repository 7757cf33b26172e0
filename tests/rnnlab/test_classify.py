"""The spam task is what its docstring says, and the reference classifier learns it."""

import pytest
import torch
from torch import nn

from rnnlab.classify import (
    LURE,
    PAD,
    VOCAB,
    Messages,
    SpamClassifier,
    accuracy_and_recall,
    decode,
    encode,
    make_messages,
    spam_scores,
    train_classifier,
)


def ordered_pair(words):
    return "free" in words and "click" in words[words.index("free") + 1 :]


@pytest.fixture(scope="module")
def big():
    return make_messages(4000, seed=5)


def test_same_seed_same_messages_and_shapes():
    a, b, c = make_messages(50, seed=1), make_messages(50, seed=1), make_messages(50, seed=2)
    assert all(torch.equal(x, y) for x, y in zip(a, b))
    assert not torch.equal(a.labels, c.labels) or not torch.equal(a.lengths, c.lengths)
    assert a.tokens.dtype == torch.long and a.tokens.shape == (50, int(a.lengths.max()))
    assert a.lengths.min() >= 5 and a.lengths.max() <= 30


# sha256 (first 16 hex digits) of tokens, lengths and labels as make_messages drew them before it
# was made faster: the shipped classifier and chapter 08's test sets depend on these very messages
MESSAGE_DIGESTS = {
    (64, 0): "9ce12bd192a32be5",
    (64, 1_000_003 * 4 + 199): "34ddc6e67e457cd6",
    (2000, 1_000_000): "45996cdefdf3a797",
    (1, 83): "47b1df1159d80294",
}


@pytest.mark.parametrize("n, seed", list(MESSAGE_DIGESTS))
def test_the_same_seed_still_draws_the_same_messages(n, seed):
    import hashlib

    made = make_messages(n, seed=seed)
    assert all(t.dtype == torch.long for t in made)
    digest = hashlib.sha256(b"".join(t.numpy().tobytes() for t in made)).hexdigest()[:16]
    assert digest == MESSAGE_DIGESTS[(n, seed)]


def test_padding_sits_after_the_last_word(big):
    steps = torch.arange(big.tokens.shape[1]).unsqueeze(0)
    real = steps < big.lengths.unsqueeze(1)
    assert bool((big.tokens[~real] == PAD).all()) and bool((big.tokens[real] != PAD).all())


def test_spam_is_rare_and_the_order_rule_holds(big):
    rate = big.labels.float().mean().item()
    assert 0.08 < rate < 0.12
    words = [decode(t, int(n)).split() for t, n in zip(big.tokens, big.lengths)]
    ham = [w for w, y in zip(words, big.labels.tolist()) if y == 0]
    spam = [w for w, y in zip(words, big.labels.tolist()) if y == 1]
    assert not any(ordered_pair(w) for w in ham)  # ham never says free ... click
    assert 0.78 < sum(map(ordered_pair, spam)) / len(spam) < 0.92  # most spam does
    both_reversed = sum("free" in w and "click" in w for w in ham) / len(ham)
    assert both_reversed > 0.15  # word counts alone cannot tell
    lure = lambda group: sum(x in LURE for w in group for x in w) / sum(len(w) for w in group)
    assert lure(spam) > 3 * lure(ham)


def test_encode_and_decode_round_trip():
    m = encode("hi are you free friday")
    assert decode(m.tokens[0]) == "hi are you free friday" and m.lengths.tolist() == [5]
    assert len(VOCAB) == 30 and VOCAB[PAD] == "<pad>"


def test_subset_trims_to_its_own_longest():
    data = make_messages(20, seed=3)
    part = data.subset([int(data.lengths.argmin())])
    assert part.tokens.shape == (1, int(data.lengths.min()))


def test_classifier_ignores_padding_and_the_rest_of_the_batch():
    torch.manual_seed(0)
    model = SpamClassifier().eval()
    data = make_messages(8, seed=4)
    with torch.no_grad():
        logits = model(data.tokens, data.lengths)
        padded = torch.cat([data.tokens, torch.zeros(8, 7, dtype=torch.long)], dim=1)
        assert logits.shape == (8, 2)
        assert torch.allclose(model(padded, data.lengths), logits, atol=1e-6)
        one = data.subset([3])
        assert torch.allclose(model(one.tokens, one.lengths)[0], logits[3], atol=1e-6)


class FixedScores(nn.Module):
    """A stand-in model whose P(spam) for message k is p[k]."""

    def __init__(self, p):
        super().__init__()
        self.p = torch.tensor(p)
        self.calls = 0

    def forward(self, tokens, lengths):
        start = self.calls
        self.calls += len(lengths)
        p = self.p[start : start + len(lengths)]
        return torch.stack([torch.log(1 - p), torch.log(p)], dim=1)


def test_scores_accuracy_and_recall_from_a_known_model():
    data = Messages(torch.ones(4, 3, dtype=torch.long), torch.tensor([3, 3, 3, 3]), torch.tensor([1, 1, 0, 0]))
    model = FixedScores([0.9, 0.3, 0.6, 0.1]).train()
    scores = spam_scores(model, data, batch_size=3)
    assert scores.tolist() == pytest.approx([0.9, 0.3, 0.6, 0.1], abs=1e-6)
    assert model.training, "spam_scores must leave the model's mode as it found it"
    model.calls = 0
    assert accuracy_and_recall(model, data) == pytest.approx((0.5, 0.5))
    model.calls = 0
    assert accuracy_and_recall(model, data, threshold=0.2) == pytest.approx((0.75, 1.0))


def test_reference_classifier_learns_the_task():
    torch.manual_seed(0)
    model = SpamClassifier()
    history = train_classifier(model, steps=200, seed=0, progress=False)
    assert sum(history.loss[-20:]) < 0.5 * sum(history.loss[:20])
    accuracy, recall = accuracy_and_recall(model, make_messages(1000, seed=77))
    assert accuracy > 0.95 and recall > 0.7


def test_training_on_a_fixed_set_with_evaluations():
    data = make_messages(100, seed=8)
    torch.manual_seed(0)
    model = SpamClassifier(hidden_size=8)
    history = train_classifier(
        model,
        steps=10,
        data=data,
        progress=False,
        eval_every=5,
        evaluate=lambda m: {"accuracy": accuracy_and_recall(m, data)[0]},
    )
    assert history.eval_steps == [5, 10] and len(history.loss) == 10


def test_messages_padded_at_the_start_end_in_the_last_column():
    end, start = make_messages(30, seed=4), make_messages(30, seed=4, pad_at="start")
    assert start.pad_at == "start" and end.pad_at == "end"
    assert torch.equal(start.lengths, end.lengths) and torch.equal(start.labels, end.labels)
    width = end.tokens.shape[1]
    for b, n in enumerate(end.lengths.tolist()):
        assert torch.equal(start.tokens[b, width - n :], end.tokens[b, :n])  # the same words, last
        assert bool((start.tokens[b, : width - n] == PAD).all())  # padding before them
    assert torch.equal(end.padded_at_start().tokens, start.tokens)
    assert start.padded_at_start() is start
    # a subset keeps the last columns, where the words are
    part = start.subset([int(start.lengths.argmin())])
    n = int(start.lengths.min())
    assert part.tokens.shape == (1, n) and bool((part.tokens != PAD).all())
    with pytest.raises(ValueError, match="pad_at"):
        make_messages(3, seed=0, pad_at="left")


def test_training_on_messages_padded_at_the_start_feeds_them_so():
    seen = []

    class Spy(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(torch.zeros(2))

        def forward(self, tokens, lengths):
            seen.append((tokens.clone(), lengths.clone()))
            return self.w.expand(len(lengths), 2)

    train_classifier(Spy(), steps=2, batch_size=8, progress=False, pad_at="start")
    train_classifier(Spy(), steps=1, batch_size=8, progress=False, pad_at="start", data=make_messages(20, seed=9))
    for tokens, lengths in seen:
        width = tokens.shape[1]
        real = torch.arange(width).unsqueeze(0) >= (width - lengths).unsqueeze(1)
        assert bool((tokens[real] != PAD).all()) and bool((tokens[~real] == PAD).all())


def test_shipped_classifier_is_trained_and_what_make_weights_trains(monkeypatch):
    """Chapter 08 judges the shipped classifier. It must be chapter 04's model as trained from
    seed 0: retrained here, it scores the same held-out accuracy within 0.01; untrained (the
    claims tests) it stays as initialised."""
    from rnnlab.classify import load_trained_classifier, make_messages, make_weights, spam_scores

    monkeypatch.delenv("RNNLAB_UNTRAINED", raising=False)
    torch.set_num_threads(1)
    held = make_messages(1000, seed=1_000_000)

    def accuracy(model):
        return ((spam_scores(model, held) >= 0.5).long() == held.labels).float().mean().item()

    shipped = load_trained_classifier()
    assert accuracy(shipped) > 0.95
    assert abs(accuracy(make_weights(progress=False)) - accuracy(shipped)) <= 0.01
    monkeypatch.setenv("RNNLAB_UNTRAINED", "1")
    assert not torch.equal(load_trained_classifier().head.weight, shipped.head.weight)
