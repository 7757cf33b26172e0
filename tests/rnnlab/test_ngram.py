"""rnnlab.ngram: Witten-Bell n-gram counts, checked by hand and for normalisation, and losses by kind."""

import math
import random

import pytest

from rnnlab.ngram import KINDS, NGram, kind_of, mean_by_kind


def test_witten_bell_by_hand():
    # "abab": unigram a 2, b 2 (2 distinct); after "a": b 2 (1 distinct); after "b": a 1 (1 distinct)
    model = NGram(2, "abab", vocab_size=3)
    uni_c = (0 + 2 * (1 / 3)) / (4 + 2)  # c never seen: all from the uniform share
    uni_b = (2 + 2 * (1 / 3)) / (4 + 2)
    assert model.prob("c", "a") == pytest.approx((0 + 1 * uni_c) / (2 + 1))
    assert model.prob("b", "a") == pytest.approx((2 + 1 * uni_b) / (2 + 1))
    assert model.prob("b", "") == pytest.approx(uni_b)  # no context: the unigram level
    assert model.prob("a", "c") == pytest.approx((2 + 2 / 3) / 6)  # unseen context: the level below


@pytest.mark.parametrize("order", [1, 2, 3, 5])
def test_every_distribution_sums_to_one_and_nothing_is_impossible(order):
    rng = random.Random(order)
    text = "".join(rng.choice("ab(c) \n") for _ in range(400))
    vocab = sorted(set(text)) + ["z"]  # one symbol never seen
    model = NGram(order, text, vocab_size=len(vocab))
    for _ in range(20):
        context = "".join(rng.choice("ab(c) \nz") for _ in range(order + 1))
        probs = [model.prob(c, context) for c in vocab]
        assert sum(probs) == pytest.approx(1.0)
        assert min(probs) > 0


def test_a_longer_context_predicts_a_pattern_the_shorter_cannot():
    text = "abcabdabcabd" * 30  # after "ab" comes c or d in turn; after "cab" d, after "dab" c
    nll = {n: sum(NGram(n, text, 4).nll(text)) / (len(text) - 1) for n in (1, 2, 3, 4)}
    assert nll[1] > nll[2] > nll[3] > nll[4]
    assert nll[4] < 0.1


def test_ids_work_like_characters():
    text = "hello world, hello"
    ids = [ord(c) for c in text]
    assert NGram(3, text, 30).nll(text) == pytest.approx(NGram(3, ids, 30).nll(ids))


def test_kinds_and_means():
    assert [kind_of(c) for c in "a7 ({)]'\"+"] == [
        "letter",
        "digit",
        "whitespace",
        "open bracket",
        "open bracket",
        "close bracket",
        "close bracket",
        "quote",
        "quote",
        "other",
    ]
    text = "f(x)"
    means = mean_by_kind([1.0, 2.0, 4.0], text)  # losses of '(', 'x', ')'
    assert means == {"letter": 2.0, "open bracket": 1.0, "close bracket": 4.0}
    assert set(means) <= set(KINDS)
    with pytest.raises(ValueError, match="one per character after the first"):
        mean_by_kind([1.0], text)


def test_orders_and_sizes_are_checked():
    with pytest.raises(ValueError, match="order 1 or more"):
        NGram(0, "ab", 2)
    with pytest.raises(ValueError, match="at least one symbol"):
        NGram(2, "ab", 0)
    assert math.isfinite(NGram(1, "", 5).nll("abc")[0])


def test_a_lower_order_of_one_count_equals_a_model_of_that_order():
    rng = random.Random(7)
    text = "".join(rng.choice("ab(c) \n") for _ in range(600))
    test = "".join(rng.choice("ab(c) \nz") for _ in range(80))
    big = NGram(5, text, vocab_size=8)
    for order in (1, 2, 3, 5):
        assert big.nll(test, order=order) == pytest.approx(NGram(order, text, vocab_size=8).nll(test))
    assert big.nll(test, order=2) != pytest.approx(big.nll(test))
    with pytest.raises(ValueError, match="orders 1 to 5"):
        big.nll(test, order=6)


def test_counting_by_bincount_and_by_sorting_give_the_same_model(monkeypatch):
    rng = random.Random(7)
    text = "".join(rng.choice("ab(c) \n\"'") for _ in range(3000))
    other = "".join(rng.choice("ab(c) \nz") for _ in range(300))
    dense = NGram(4, text, 12)
    monkeypatch.setattr(NGram, "DENSE", 0)  # every level sorted, as long contexts are
    sorted_ = NGram(4, text, 12)
    assert [len(level[3]) for level in dense.levels] == [len(level[3]) for level in sorted_.levels]
    for n in (1, 2, 3, 4):
        assert dense.nll(other, order=n) == sorted_.nll(other, order=n)


def test_a_text_read_in_pieces_and_one_of_many_symbols_count_as_its_ids_do(monkeypatch):
    from rnnlab import ngram

    rng = random.Random(11)
    many = "".join(chr(0x100 + rng.randrange(300)) for _ in range(2000))  # 300 symbols: ids wider than a byte
    few = "".join(rng.choice("ab(c) \n") for _ in range(2000))
    monkeypatch.setattr(ngram, "PIECE", 7)  # every text in many pieces
    for text in (many, few):
        ids = [ord(c) for c in text]
        assert NGram(3, text, 400).nll(text[:300]) == pytest.approx(NGram(3, ids, 400).nll(ids[:300]), abs=1e-12)
