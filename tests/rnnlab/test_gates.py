"""Gate extraction must reproduce nn.LSTM's own output, h_n and c_n."""

import random

import numpy as np
import pytest
import torch
from torch import nn

from rnnlab.gates import GATES, lstm_gates, lstm_step


def random_configs(n, seed=0):
    rng = random.Random(seed)
    for _ in range(n):
        hidden = rng.randint(1, 9)
        yield (
            dict(
                input_size=rng.randint(1, 6),
                hidden_size=hidden,
                num_layers=rng.randint(1, 3),
                bidirectional=rng.random() < 0.5,
                batch_first=rng.random() < 0.5,
                bias=rng.random() < 0.8,
                proj_size=rng.choice([0, 0, rng.randint(1, hidden - 1)]) if hidden > 1 else 0,
            ),
            rng.randint(1, 12),
            rng.randint(1, 4),
            rng.random() < 0.5,
            rng.random() < 0.2,
        )


@pytest.mark.parametrize("cfg,seq_len,batch,with_hx,unbatched", list(random_configs(60)))
def test_reproduces_lstm(cfg, seq_len, batch, with_hx, unbatched):
    torch.manual_seed(seq_len * 31 + batch)
    lstm = nn.LSTM(**cfg).eval()
    dirs = 2 if cfg["bidirectional"] else 1
    h_out = cfg["proj_size"] or cfg["hidden_size"]
    if unbatched:
        x = torch.randn(seq_len, cfg["input_size"])
        state_shape = (cfg["num_layers"] * dirs,)
    else:
        x = (
            torch.randn(batch, seq_len, cfg["input_size"])
            if cfg["batch_first"]
            else torch.randn(seq_len, batch, cfg["input_size"])
        )
        state_shape = (cfg["num_layers"] * dirs, batch)
    hx = (torch.randn(*state_shape, h_out), torch.randn(*state_shape, cfg["hidden_size"])) if with_hx else None
    with torch.no_grad():
        out, (h_n, c_n) = lstm(x, hx)
    trace = lstm_gates(lstm, x, hx)
    assert trace.output.shape == out.shape
    torch.testing.assert_close(trace.output, out, atol=1e-5, rtol=0)
    torch.testing.assert_close(trace.h_n, h_n, atol=1e-5, rtol=0)
    torch.testing.assert_close(trace.c_n, c_n, atol=1e-5, rtol=0)
    b = 1 if unbatched else batch
    for name in GATES + ("c",):
        assert trace[name].shape == (cfg["num_layers"], dirs, seq_len, b, cfg["hidden_size"])
    assert trace.h.shape == (cfg["num_layers"], dirs, seq_len, b, h_out)


def test_gate_ranges_and_cell_update():
    torch.manual_seed(1)
    lstm = nn.LSTM(3, 5, num_layers=2, bidirectional=True).eval()
    tr = lstm_gates(lstm, torch.randn(7, 2, 3) * 3)
    for name in ("i", "f", "o"):
        assert tr[name].min() > 0 and tr[name].max() < 1
    assert tr.g.min() > -1 and tr.g.max() < 1
    # the forward direction's cell update, written out: c_t = f_t * c_(t-1) + i_t * g_t
    c_prev = torch.zeros(2, 5)
    for t in range(7):
        expected = tr.f[0, 0, t] * c_prev + tr.i[0, 0, t] * tr.g[0, 0, t]
        torch.testing.assert_close(tr.c[0, 0, t], expected)
        torch.testing.assert_close(tr.h[0, 0, t], tr.o[0, 0, t] * torch.tanh(tr.c[0, 0, t]))
        c_prev = tr.c[0, 0, t]
    # the backward direction's final state sits at t = 0 and in h_n[1]
    torch.testing.assert_close(tr.h[0, 1, 0], tr.h_n[1])


def test_step_matches_lstmcell():
    torch.manual_seed(2)
    cell = nn.LSTMCell(4, 6)
    x, h, c = torch.randn(3, 4), torch.randn(3, 6), torch.randn(3, 6)
    *_, c_new, h_new = lstm_step(x, h, c, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
    h_ref, c_ref = cell(x, (h, c))
    torch.testing.assert_close(h_new, h_ref.detach(), atol=1e-6, rtol=0)
    torch.testing.assert_close(c_new, c_ref.detach(), atol=1e-6, rtol=0)


def test_wrong_gate_order_would_be_caught():
    """The reproduction check is sharp: swapping g and o in the weights breaks it."""
    torch.manual_seed(3)
    lstm = nn.LSTM(2, 4).eval()
    x = torch.randn(5, 1, 2)
    out, _ = lstm(x)
    with torch.no_grad():
        for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
            p = getattr(lstm, name)
            i, f, g, o = p.clone().chunk(4)
            p.copy_(torch.cat([i, f, o, g]))
    assert not torch.allclose(lstm_gates(lstm, x).output, out, atol=1e-3)


def test_saturation_fractions():
    torch.manual_seed(4)
    lstm = nn.LSTM(2, 3).eval()
    tr = lstm_gates(lstm, torch.randn(20, 4, 2))
    sat = tr.saturation()
    for name in GATES:
        left, right = sat[name]
        assert left.shape == right.shape == (3,)
        assert np.all((left >= 0) & (left + right <= 1))
        v = tr[name][0, 0].reshape(-1, 3).numpy()
        if name == "g":
            v = (v + 1) / 2
        np.testing.assert_allclose(right, (v > 0.9).mean(0))
    tr.f[0, 0] = 0.95
    assert np.all(tr.saturation()["f"][1] == 1.0)


def test_get_returns_time_by_units():
    lstm = nn.LSTM(2, 3, num_layers=2, batch_first=True).eval()
    tr = lstm_gates(lstm, torch.randn(4, 6, 2))
    assert tr.get("f", layer=0, sample=3).shape == (6, 3)
    with pytest.raises(KeyError, match="unknown trace"):
        tr["z"]


def test_clear_errors():
    lstm = nn.LSTM(3, 4)
    with pytest.raises(ValueError, match="input_size=3"):
        lstm_gates(lstm, torch.randn(5, 2, 4))
    with pytest.raises(TypeError, match="nn.LSTM"):
        lstm_gates(nn.GRU(3, 4), torch.randn(5, 2, 3))
    with pytest.raises(ValueError, match="eval"):
        lstm_gates(nn.LSTM(3, 4, num_layers=2, dropout=0.5), torch.randn(5, 2, 3))
