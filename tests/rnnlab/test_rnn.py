"""rnnlab.rnn: the unrolled steps reproduce nn.RNN, and the memory measures behave."""

import pytest
import torch
from torch import nn

from rnnlab.rnn import first_input_gradients, first_input_memory, unroll


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("with_h0", [True, False])
def test_unroll_reproduces_the_layer(nonlinearity, bias, with_h0):
    torch.manual_seed(0)
    rnn = nn.RNN(3, 5, nonlinearity=nonlinearity, bias=bias)
    x = torch.randn(7, 2, 3)
    h_0 = torch.randn(1, 2, 5) if with_h0 else None
    output, h_n = rnn(x, h_0)
    tr = unroll(rnn, x, h_0)
    assert tr.h.shape == (7, 2, 5)
    torch.testing.assert_close(tr.h, output.detach(), atol=1e-6, rtol=0)
    torch.testing.assert_close(tr.h[-1], h_n[0].detach(), atol=1e-6, rtol=0)
    act = torch.tanh if nonlinearity == "tanh" else torch.relu
    torch.testing.assert_close(act(tr.from_x + tr.from_h), tr.h, atol=1e-6, rtol=0)
    torch.testing.assert_close(tr.pre, tr.from_x + tr.from_h)


def test_parts_are_the_formula():
    torch.manual_seed(1)
    rnn = nn.RNN(2, 3)
    x = torch.randn(4, 1, 2)
    tr = unroll(rnn, x)
    prev = tr.previous()
    assert torch.equal(prev[0], torch.zeros(1, 3))  # zeros when h_0 is left out
    assert torch.equal(prev[1:], tr.h[:-1])
    with torch.no_grad():
        torch.testing.assert_close(tr.from_x, x @ rnn.weight_ih_l0.T + rnn.bias_ih_l0)
        torch.testing.assert_close(tr.from_h, prev @ rnn.weight_hh_l0.T + rnn.bias_hh_l0)


def test_unroll_refuses_what_it_cannot_show():
    with pytest.raises(ValueError, match="one layer"):
        unroll(nn.RNN(2, 3, num_layers=2), torch.randn(4, 1, 2))
    with pytest.raises(ValueError, match="one layer"):
        unroll(nn.RNN(2, 3, bidirectional=True), torch.randn(4, 1, 2))
    with pytest.raises(ValueError, match="shape"):
        unroll(nn.RNN(2, 3), torch.randn(4, 1, 5))
    with pytest.raises(TypeError):
        unroll(nn.LSTM(2, 3), torch.randn(4, 1, 2))


def test_unroll_check_catches_a_disagreement():
    torch.manual_seed(2)
    rnn = nn.RNN(2, 3)

    class Liar(nn.RNN):
        def forward(self, x, h_0=None):
            output, h_n = super().forward(x, h_0)
            return output + 1, h_n

    liar = Liar(2, 3)
    liar.load_state_dict(rnn.state_dict())
    with pytest.raises(RuntimeError, match="disagree"):
        unroll(liar, torch.randn(3, 1, 2))
    unroll(liar, torch.randn(3, 1, 2), check=False)  # no check, no error


def test_first_input_memory_fades_for_a_small_recurrent_weight():
    torch.manual_seed(0)
    rnn = nn.RNN(1, 8)
    x = torch.randn(30, 16, 1)
    memory = first_input_memory(rnn, x)
    assert memory.shape == (30,)
    assert memory[0] > 0.1
    assert memory[-1] < 0.05 * memory[0]
    with torch.no_grad():  # no recurrence: nothing to remember
        rnn.weight_hh_l0.zero_()
    memory = first_input_memory(rnn, x)
    assert memory[0] > 0.1 and float(memory[1:].abs().max()) == 0.0


def test_first_input_gradients_match_autograd_and_vanish():
    torch.manual_seed(0)
    rnn = nn.RNN(2, 6)
    x = torch.randn(25, 3, 2)
    norms = first_input_gradients(rnn, x)
    assert norms.shape == (25,) and not norms.requires_grad
    x1 = x.clone().requires_grad_(True)
    out, _ = rnn(x1)
    (grad,) = torch.autograd.grad(out[4].sum(), x1)
    assert norms[4].item() == pytest.approx(grad[0].norm(dim=-1).mean().item(), rel=1e-5)
    assert norms[-1] < 1e-2 * norms[0]


def test_first_input_gradients_explode_with_large_relu_weights():
    torch.manual_seed(0)
    rnn = nn.RNN(2, 6, nonlinearity="relu")
    with torch.no_grad():
        rnn.weight_hh_l0.copy_(2.0 * torch.eye(6))
    norms = first_input_gradients(rnn, torch.randn(20, 3, 2).abs())
    assert norms[-1] > 1e3 * norms[0]
