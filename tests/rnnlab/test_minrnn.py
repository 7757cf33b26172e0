"""Chapter 11's package code: the three scans agree, minGRU/minLSTM in both modes, the models' claims."""

import math
import unittest.mock

import pytest
import torch

from rnnlab import minrnn
from rnnlab.minrnn import (
    ARMS,
    LAYERS,
    MinGRU,
    MinGRULM,
    MinLSTM,
    TransformerLM,
    combine,
    g,
    log_g,
    log_scan,
    parameter_count,
    scan_levels,
    scan_loop,
    scan_tree,
    state_floats,
    windows,
)
from rnnlab.spread import load_spread


def positive(*shape, seed=0, dtype=torch.float64):
    gen = torch.Generator().manual_seed(seed)
    return torch.rand(*shape, generator=gen, dtype=dtype) * 0.9 + 0.05


@pytest.mark.parametrize("batch,T,H", [(1, 1, 1), (2, 2, 3), (3, 7, 2), (1, 16, 4), (2, 17, 5)])
@pytest.mark.parametrize("with_h0", [True, False])
def test_the_three_scans_agree(batch, T, H, with_h0):
    a, b = positive(batch, T, H, seed=1), positive(batch, T, H, seed=2)
    h0 = positive(batch, H, seed=3) if with_h0 else None
    loop = scan_loop(a, b, h0)
    assert loop.shape == (batch, T, H) and loop.dtype == torch.float64
    torch.testing.assert_close(scan_tree(a, b, h0), loop)
    logged = log_scan(a.log(), b.log(), None if h0 is None else h0.log())
    torch.testing.assert_close(logged.exp(), loop)


def test_the_loop_is_the_recurrence_written_out():
    a = torch.tensor([[[0.5], [2.0], [0.25]]])
    b = torch.tensor([[[1.0], [3.0], [4.0]]])
    h = scan_loop(a, b, torch.tensor([[2.0]]))
    # h1 = 0.5 * 2 + 1 = 2, h2 = 2 * 2 + 3 = 7, h3 = 0.25 * 7 + 4 = 5.75
    assert h.flatten().tolist() == [2.0, 7.0, 5.75]


def test_combine_is_associative_and_composes_in_order():
    x, y, z = [(positive(1, 1, 3, seed=s), positive(1, 1, 3, seed=s + 10)) for s in range(3)]
    left = combine(combine(x, y), z)
    right = combine(x, combine(y, z))
    for u, v in zip(left, right):
        torch.testing.assert_close(u, v)
    h = positive(1, 1, 3, seed=99)
    A, B = combine(x, y)
    torch.testing.assert_close(A * h + B, y[0] * (x[0] * h + x[1]) + y[1])


@pytest.mark.parametrize("T", [1, 2, 5, 8, 13])
def test_each_level_holds_the_steps_it_says(T):
    a, b = positive(2, T, 3, seed=4), positive(2, T, 3, seed=5)
    levels = scan_levels(a, b)
    assert len(levels) == minrnn.log2_levels(T) + 1
    for k, (A, B) in enumerate(levels):
        for t in range(T):
            first = max(0, t - 2**k + 1)  # the 2^k steps ending at t, fewer near the start
            torch.testing.assert_close(A[:, t], a[:, first : t + 1].prod(dim=1))
            # B_t is h_t of those steps alone, started from 0
            torch.testing.assert_close(B[:, t], scan_loop(a[:, first : t + 1], b[:, first : t + 1])[:, -1])


def test_a_wrong_combine_order_is_caught():
    """The check above can fail: composing the later stretch first gives other numbers."""
    x, y = (
        (positive(1, 1, 3, seed=1), positive(1, 1, 3, seed=2)),
        (positive(1, 1, 3, seed=3), positive(1, 1, 3, seed=4)),
    )
    right, swapped = combine(x, y), combine(y, x)
    assert not torch.allclose(right[1], swapped[1])


def test_log_scan_survives_where_the_product_underflows():
    T = 4000
    a = torch.full((1, T, 1), 0.9)
    b = torch.full((1, T, 1), 0.1)
    assert torch.cumprod(a, dim=1)[0, -1, 0] == 0  # 0.9^4000 underflows float32
    h = log_scan(a.log(), b.log()).exp()
    assert torch.isfinite(h).all()
    # the fixed point of h = 0.9 h + 0.1 is 1
    torch.testing.assert_close(h[0, -1, 0], torch.tensor(1.0), rtol=1e-4, atol=1e-4)


def test_log_scan_gradients_pass_gradcheck():
    la, lb, lh = (positive(2, 5, 3, seed=s).log().requires_grad_() for s in (6, 7, 8))
    assert torch.autograd.gradcheck(lambda u, v, w: log_scan(u, v, w), (la, lb, lh[:, 0]))


def test_scans_refuse_mismatched_shapes():
    with pytest.raises(ValueError, match="batch, seq_len, hidden"):
        scan_loop(torch.ones(2, 3, 4), torch.ones(2, 3, 5))
    with pytest.raises(ValueError, match="h0 must be"):
        log_scan(torch.zeros(2, 3, 4), torch.zeros(2, 3, 4), torch.zeros(4))


def test_g_is_positive_continuous_and_log_g_is_its_log():
    x = torch.linspace(-30, 30, 601, dtype=torch.float64)
    assert (g(x) > 0).all()
    torch.testing.assert_close(g(torch.tensor([0.0])), torch.tensor([0.5]))
    torch.testing.assert_close(log_g(x), g(x).log())
    assert torch.isfinite(log_g(torch.tensor([-200.0]))).all()  # g underflows there, log g does not


@pytest.mark.parametrize("cls", [MinGRU, MinLSTM])
@pytest.mark.parametrize("T", [1, 6, 33])
def test_scan_and_loop_modes_give_the_same_states_and_gradients(cls, T):
    torch.manual_seed(0)
    layer = cls(4, 5).double()
    x = torch.randn(2, T, 4, dtype=torch.float64)
    h0 = positive(2, 5, seed=9)
    results = []
    for mode in ("scan", "loop"):
        layer.zero_grad()
        h, last = layer(x, h0, mode=mode)
        (h * torch.arange(1, T + 1, dtype=torch.float64).view(1, T, 1)).sum().backward()
        results.append((h, last, [p.grad.clone() for p in layer.parameters()]))
    (h1, l1, g1), (h2, l2, g2) = results
    torch.testing.assert_close(h1, h2)
    torch.testing.assert_close(l1, h1[:, -1])
    for u, v in zip(g1, g2):
        torch.testing.assert_close(u, v)
    with pytest.raises(ValueError, match="mode"):
        layer(x, mode="tree")


def test_min_gru_is_the_paper_recurrence_and_step_continues_it():
    torch.manual_seed(1)
    layer = MinGRU(3, 4).double()
    x = torch.randn(2, 5, 3, dtype=torch.float64)
    h = torch.zeros(2, 4, dtype=torch.float64)
    for t in range(5):
        z = torch.sigmoid(x[:, t] @ layer.linear_z.weight.T + layer.linear_z.bias)
        cand = g(x[:, t] @ layer.linear_h.weight.T + layer.linear_h.bias)
        h = (1 - z) * h + z * cand
    torch.testing.assert_close(layer(x)[1], h)
    s = None
    for t in range(5):
        s = layer.step(x[:, t], s)
    torch.testing.assert_close(s, h)


def test_min_lstm_gates_are_normalised():
    torch.manual_seed(2)
    layer = MinLSTM(3, 4).double()
    x = torch.randn(1, 4, 3, dtype=torch.float64)
    # f' + i' = 1: h_t is a weighted average of h_{t-1} and a positive candidate, so it stays positive
    f = torch.sigmoid(layer.linear_f(x))
    i = torch.sigmoid(layer.linear_i(x))
    torch.testing.assert_close((f / (f + i) + i / (f + i)), torch.ones_like(f))
    h = layer(x, torch.ones(1, 4, dtype=torch.float64))[0]
    assert ((h > 0) & torch.isfinite(h)).all()


def test_the_transformer_is_causal_and_refuses_longer_texts():
    torch.manual_seed(3)
    model = TransformerLM(10, size=16, heads=2, feedforward=32, context=8)
    x = torch.randint(10, (1, 8))
    y = x.clone()
    y[0, 5] = (x[0, 5] + 1) % 10
    a, b = model(x)[0], model(y)[0]
    torch.testing.assert_close(a[:, :5], b[:, :5])
    assert not torch.allclose(a[:, 5:], b[:, 5:])
    with pytest.raises(ValueError, match="at most 8"):
        model(torch.zeros(1, 9, dtype=torch.long))


def test_min_gru_lm_state_continues_a_text():
    torch.manual_seed(4)
    model = MinGRULM(12, size=8, num_layers=2, mlp=8).double()
    x = torch.randint(12, (2, 10))
    whole, _ = model(x)
    first, state = model(x[:, :6])
    rest, _ = model(x[:, 6:], state)
    torch.testing.assert_close(torch.cat([first, rest], dim=1), whole)


def test_the_arms_have_about_equal_parameter_counts():
    counts = {name: parameter_count(make(47)) for name, make in ARMS.items()}
    assert max(counts.values()) <= 1.1 * min(counts.values()), counts


def test_state_sizes_fixed_for_recurrent_growing_for_attention():
    for name, make in ARMS.items():
        model = make(20)
        small, large = state_floats(model, 10), state_floats(model, 1000)
        if name == "Transformer":
            assert large == 100 * small
        else:
            assert large == small


def test_windows_cut_inputs_and_targets():
    ids = torch.arange(20)
    w = windows(ids, 6)
    assert w.shape == (3, 7)
    assert w[1].tolist() == list(range(6, 13))
    with pytest.raises(ValueError, match="too few"):
        windows(torch.arange(5), 6)


class _Recorder(torch.nn.Module):
    """A model that keeps the first id of every window it is trained on (the ids are 0, 1, 2, ...)."""

    def __init__(self, vocab_size):
        super().__init__()
        self.bias = torch.nn.Parameter(torch.zeros(vocab_size))
        self.firsts = []

    def forward(self, x, state=None):
        self.firsts += x[:, 0].tolist()
        return self.bias.expand(*x.shape, -1), None


def test_training_windows_start_anywhere():
    """Issue 78: windows at fixed offsets (0, 64, 128, ...) let a model memorise a few hundred windows.
    The training batches must start at every position a window fits, drawn from the seed."""
    ids, window = torch.arange(100), 8
    model = _Recorder(100)
    minrnn.train_windows(model, ids, 100, batch=16, window=window)
    starts = set(model.firsts)
    assert starts == set(range(len(ids) - window)), sorted(set(range(len(ids) - window)) - starts)
    again = _Recorder(100)
    minrnn.train_windows(again, ids, 100, batch=16, window=window)
    other = _Recorder(100)
    minrnn.train_windows(other, ids, 100, batch=16, window=window, seed=1)
    assert again.firsts == model.firsts != other.firsts
    rows = minrnn.random_windows(ids, 5, torch.Generator().manual_seed(0), window)
    assert rows.shape == (5, window + 1) and (rows[:, 1:] - rows[:, :-1] == 1).all()
    with pytest.raises(ValueError, match="too few"):
        minrnn.random_windows(torch.arange(8), 1, torch.Generator(), 8)


def test_passes_over_the_text():
    # chapter 11: 600 steps of 32 windows of 64 characters over its 18,654 training ids
    assert minrnn.passes(600, 18_654) == pytest.approx(600 * 32 * 64 / 18_654)
    assert minrnn.passes(1, 64, batch=1) == 1


def test_the_comparison_records_training_beside_held_out():
    """Issue 78: held-out figures alone read memorisation as slow learning. compare_arms measures both,
    and chapter 11's committed record holds both for every arm at every step count."""
    ids = torch.randint(20, (400,), generator=torch.Generator().manual_seed(0))
    out = minrnn.compare_arms(0, ids, ids[:200], 20, arms=("LSTM",), steps=(1, 2))
    assert set(out) == {f"{part} perplexity after {n} steps" for part in ("held-out", "training") for n in (1, 2)}
    record = load_spread("minrnn")
    assert set(record.spreads) == {
        f"{part} perplexity after {n} steps" for part in ("held-out", "training") for n in minrnn.COMPARE_STEPS
    }
    for spread in record.spreads.values():
        assert set(spread.values) == set(ARMS), spread.measure


def test_timings_are_measured_for_every_layer():
    for kind in LAYERS:
        assert minrnn.training_step_time(kind, 8, batch=2, size=4, repeats=1) > 0
    with pytest.raises(ValueError, match="unknown layer"):
        minrnn.training_step_time("RNN", 8)
    model = ARMS["Transformer"](20)
    assert minrnn.generation_time(model, 8, new=2, repeats=1) > 0
    assert minrnn.log2_levels(1) == 0 and minrnn.log2_levels(1024) == 10 and minrnn.log2_levels(1025) == 11
    assert math.isfinite(minrnn.window_cross_entropy(ARMS["minGRU"](20), torch.randint(20, (200,))))


def test_median_time_counts_this_process_only():
    """Waiting (another program's turn on the processor, here a sleep) is not counted; work is."""
    import time

    def wait():
        time.sleep(0.05)

    def work():
        end = time.process_time() + 0.02
        while time.process_time() < end:
            pass

    assert minrnn.median_time(wait, repeats=3) < 0.01
    assert 0.015 < minrnn.median_time(work, repeats=3) < 0.2
    # the median, not the fastest or the mean: process_time read at each run's start and end
    readings = iter([0.0, 0.1, 0.1, 0.11, 0.11, 4.5])  # runs of 0.1, 0.01 and 4.39 s
    with unittest.mock.patch.object(minrnn.time, "process_time", lambda: next(readings)):
        assert minrnn.median_time(lambda: None, repeats=3, warmup=0) == pytest.approx(0.1)


def test_generation_cost_grows_with_the_prefix_for_the_transformer_only():
    """The lecture's claim, at sizes small enough for a unit test: one new character after a prefix
    of 512 costs the Transformer (no cache) several times what it costs after 32; the minGRU, the same."""
    torch.manual_seed(0)
    rnn = ARMS["minGRU"](20)
    transformer = TransformerLM(20, size=48, num_layers=1, heads=2, feedforward=64, context=600)
    short, long = (minrnn.generation_time(transformer, n, new=4, repeats=3) for n in (32, 512))
    assert long > 3 * short, (short, long)
    short, long = (minrnn.generation_time(rnn, n, new=4, repeats=3) for n in (32, 512))
    assert long < 3 * short, (short, long)  # as the lecture asserts: load moves it up to 2x


def test_a_generation_run_lasts_at_least_the_time_asked():
    """A run of a few milliseconds is mostly noise on a busy machine: generation_time repeats the
    characters within each timed run so that it takes about `least` seconds, and divides by all of them."""
    model = ARMS["minGRU"](20)
    timed = []

    def record(fn, repeats, warmup):
        import time

        start = time.process_time()
        fn()
        timed.append(time.process_time() - start)
        return timed[-1]

    with unittest.mock.patch.object(minrnn, "median_time", record):
        per_char = minrnn.generation_time(model, 8, new=2, least=0.05)
    assert timed[0] >= 0.025, timed  # about `least`: the rounds are counted from one timed call
    assert per_char < timed[0] / 4  # many rounds of 2 characters, not one
