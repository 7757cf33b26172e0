"""Re-checks for ps03: lstm_step_backward (without autograd), lstm_all_gates (without the course's
rnnlab.gates) and the quiz answers."""

import torch
from torch import nn

from autograder.grading.recheck import Case, graded_quiz_cases
from rnnlab.gates import lstm_gates, lstm_step


def _backward_case(k, batch, n_in, n_hid):
    """lstm_step_backward on float64 inputs: the step and the seven gradients from autograd."""
    g = torch.Generator().manual_seed(9000 + k)
    rand = lambda *shape: torch.randn(*shape, generator=g, dtype=torch.float64)
    names = ("x", "h", "c", "W_ih", "W_hh", "b_ih", "b_hh")
    values = [
        rand(batch, n_in),
        rand(batch, n_hid),
        rand(batch, n_hid),
        rand(4 * n_hid, n_in),
        rand(4 * n_hid, n_hid),
        rand(4 * n_hid),
        rand(4 * n_hid),
    ]
    grad_h, grad_c = rand(batch, n_hid), rand(batch, n_hid)
    leaves = [v.clone().requires_grad_() for v in values]
    x, h, c, W_ih, W_hh, b_ih, b_hh = leaves
    i, f, gg, o, c_new, h_new = lstm_step(x, h, c, W_ih, W_hh, b_ih, b_hh)
    grads = torch.autograd.grad((h_new * grad_h).sum() + (c_new * grad_c).sum(), leaves)
    inputs = dict(zip(names, values), grad_h_new=grad_h, grad_c_new=grad_c)
    code = (
        "_h, _c, _g = lstm_step_backward(x, h, c, W_ih, W_hh, b_ih, b_hh, grad_h_new, grad_c_new)\n"
        "result = (_h, _c, {k: _g[k] for k in ('x', 'h', 'c', 'W_ih', 'W_hh', 'b_ih', 'b_hh')})"
    )
    expected = (h_new.detach(), c_new.detach(), {n: d.detach() for n, d in zip(names, grads)})
    return Case(
        f"lstm_step_backward_{k}",
        ["lstm_step_backward_visible", "lstm_step_backward_hidden"],
        code,
        inputs,
        expected,
        atol=1e-9,
        autograd=False,
    )  # "the backward pass by hand"


def _gates_case(k, seq_len, batch, n_in, n_hid, with_hx):
    with torch.random.fork_rng():
        torch.manual_seed(9100 + k)
        lstm = nn.LSTM(n_in, n_hid)
        x = torch.randn(seq_len, batch, n_in)
        hx = (torch.randn(1, batch, n_hid), torch.randn(1, batch, n_hid)) if with_hx else None
    ref = lstm_gates(lstm, x, hx)
    expected = {name: ref[name][0, 0].clone() for name in "ifgoch"}
    inputs = dict(
        state={k: v.detach().clone() for k, v in lstm.state_dict().items()}, x=x, hx=hx, n_in=n_in, n_hid=n_hid
    )
    code = (
        "layer = torch.nn.LSTM(n_in, n_hid)\nlayer.load_state_dict(state)\n"
        "result = {k: v.detach() for k, v in dict(lstm_all_gates(layer, x, hx)).items()}"
    )
    return Case(
        f"lstm_all_gates_{k}",
        ["lstm_all_gates_visible", "lstm_all_gates_hidden"],
        code,
        inputs,
        expected,
        forbid=("rnnlab.gates.lstm_step", "rnnlab.gates.lstm_gates"),
    )


def cases(course):
    out = [_backward_case(0, 3, 4, 5), _backward_case(1, 1, 2, 7)]
    out += [_gates_case(0, 6, 2, 3, 4, True), _gates_case(1, 3, 1, 2, 2, False)]
    out += graded_quiz_cases("ps03_lstm_gates", course)
    return out
