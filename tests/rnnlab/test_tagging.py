"""The "seen again" tagging task of chapter 06 and its LSTM tagger."""

import pytest
import torch

from rnnlab.tagging import (
    LETTERS,
    Tagger,
    best_causal_accuracy,
    encode_letters,
    random_letters,
    seen_again,
    seen_again_batch,
    tag_accuracy,
    train_tagger,
)


def test_labels():
    assert seen_again("abca") == [1, 0, 0, 0]
    assert seen_again("aaa") == [1, 1, 0]
    assert seen_again("") == []


def test_encoding_and_batches():
    assert encode_letters("fa").argmax(-1).tolist() == [5, 0]
    with pytest.raises(ValueError, match="not 'xz'"):
        encode_letters("axz")
    x, y = seen_again_batch(4, 9, seed=3)
    assert x.shape == (4, 9, len(LETTERS)) and y.shape == (4, 9)
    text = "".join(LETTERS[k] for k in x[2].argmax(-1).tolist())
    assert y[2].tolist() == seen_again(text)
    assert torch.equal(x, seen_again_batch(4, 9, seed=3)[0])


def test_best_causal_accuracy_matches_simulation():
    _, y = seen_again_batch(4000, 12, seed=0)
    p = y.float().mean(0)  # share of "yes" at each position
    simulated = torch.maximum(p, 1 - p).mean().item()
    assert best_causal_accuracy(12) == pytest.approx(simulated, abs=0.01)
    assert best_causal_accuracy(1) == 1.0


def test_tagger_shapes_and_directions():
    bi, uni = Tagger(5, 2, True), Tagger(5, 1, False)
    x = torch.randn(3, 7, len(LETTERS))
    assert bi(x).shape == uni(x).shape == (3, 7, 2)
    assert bi.head.in_features == 10 and uni.head.in_features == 5
    changed = x.clone()
    changed[:, -1] += 1
    assert torch.allclose(uni(x)[:, 0], uni(changed)[:, 0])  # the past cannot see ahead
    assert not torch.allclose(bi(x)[:, 0], bi(changed)[:, 0])
    assert len(bi.predict("abc")) == 3


@pytest.mark.slow
def test_bidirectional_beats_the_causal_ceiling_and_forward_does_not():
    bi, _ = train_tagger(bidirectional=True, num_layers=2, steps=200)
    uni, _ = train_tagger(bidirectional=False, steps=100)
    ceiling = best_causal_accuracy(12)
    assert tag_accuracy(bi, n=300) > 0.95
    assert tag_accuracy(uni, n=300) < ceiling + 0.02


def test_batches_equal_the_strings_encoded_and_labelled_one_by_one():
    for n, length, seed in ((7, 12, 0), (3, 1, 5), (50, 20, 123)):
        x, y = seen_again_batch(n, length, seed)
        texts = ["".join(LETTERS[k] for k in row) for row in random_letters(n, length, seed).tolist()]
        assert torch.equal(x, torch.stack([encode_letters(t) for t in texts]))
        assert torch.equal(y, torch.tensor([seen_again(t) for t in texts]))
        assert x.dtype == torch.float32 and y.dtype == torch.int64


def mean_forget_gates(model, text="abcabcfed"):
    """The mean forget gate of every layer and direction on `text` (what chapter 06 reads)."""
    from rnnlab.gates import lstm_gates

    f = lstm_gates(model.lstm, encode_letters(text).unsqueeze(0), None).f  # (layers, dirs, steps, 1, units)
    return f.mean(dim=(2, 3, 4))


def test_shipped_tagger_solves_the_task_and_is_what_make_weights_trains(monkeypatch):
    """Chapter 06 reads the gates of the shipped bidirectional tagger. It must solve the task, be
    the model `train_tagger(**SHIPPED)` trains (retrained here: the same held-out accuracy within
    0.01 and the same mean forget gate of every layer and direction within 0.1), and stay as
    initialised when untrained (the claims tests). Retrained on another CPU the gates move a
    little (0.030 and 0.042 under the two emulations of rnnlab.tools other-cpu's kind, from an
    AVX2 machine); another seed that also solves the task moves them far more (seeds 1, 2, 3
    and 5: 0.17 to 0.31)."""
    from rnnlab.tagging import load_trained_tagger, make_weights

    monkeypatch.delenv("RNNLAB_UNTRAINED", raising=False)
    torch.set_num_threads(1)
    shipped = load_trained_tagger()
    accuracy = tag_accuracy(shipped, n=300, seed=4242)
    assert accuracy > 0.95
    retrained = make_weights(progress=False)
    assert abs(tag_accuracy(retrained, n=300, seed=4242) - accuracy) <= 0.01
    assert torch.allclose(mean_forget_gates(retrained), mean_forget_gates(shipped), atol=0.1)
    monkeypatch.setenv("RNNLAB_UNTRAINED", "1")
    assert tag_accuracy(load_trained_tagger(), n=300, seed=4242) < best_causal_accuracy(12)
