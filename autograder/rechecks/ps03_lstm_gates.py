"""Re-checks for ps03: lstm_step, lstm_all_gates and the quiz answers."""
import torch
from torch import nn

from autograder.recheck import Case
from rnnlab.gates import lstm_gates
from rnnlab.quiz import load_quiz


def _step_case(k, batch, n_in, n_hid):
    with torch.random.fork_rng():
        torch.manual_seed(9000 + k)
        cell = nn.LSTMCell(n_in, n_hid)
        x, h, c = torch.randn(batch, n_in), torch.randn(batch, n_hid), torch.randn(batch, n_hid)
    with torch.no_grad():
        h_ref, c_ref = cell(x, (h, c))
    inputs = dict(x=x, h=h, c=c, W_ih=cell.weight_ih.detach(), W_hh=cell.weight_hh.detach(),
                  b_ih=cell.bias_ih.detach(), b_hh=cell.bias_hh.detach())
    return Case(f"lstm_step_{k}", ["lstm_step_visible", "lstm_step_hidden"],
                "result = tuple(lstm_step(x, h, c, W_ih, W_hh, b_ih, b_hh))", inputs, (h_ref, c_ref))


def _gates_case(k, seq_len, batch, n_in, n_hid, with_hx):
    with torch.random.fork_rng():
        torch.manual_seed(9100 + k)
        lstm = nn.LSTM(n_in, n_hid)
        x = torch.randn(seq_len, batch, n_in)
        hx = (torch.randn(1, batch, n_hid), torch.randn(1, batch, n_hid)) if with_hx else None
    ref = lstm_gates(lstm, x, hx)
    expected = {name: ref[name][0, 0].clone() for name in "ifgoch"}
    inputs = dict(state={k: v.detach().clone() for k, v in lstm.state_dict().items()}, x=x,
                  hx=hx, n_in=n_in, n_hid=n_hid)
    code = ("layer = torch.nn.LSTM(n_in, n_hid)\nlayer.load_state_dict(state)\n"
            "result = {k: v.detach() for k, v in dict(lstm_all_gates(layer, x, hx)).items()}")
    return Case(f"lstm_all_gates_{k}", ["lstm_all_gates_visible", "lstm_all_gates_hidden"], code,
                inputs, expected)


def cases():
    out = [_step_case(0, 3, 4, 5), _step_case(1, 1, 2, 7)]
    out += [_gates_case(0, 6, 2, 3, 4, True), _gates_case(1, 3, 1, 2, 2, False)]
    for q in load_quiz("03").questions:
        out.append(Case(f"quiz_{q.id}", [f"quiz_{q.id}"], f"result = quiz_answers.get({q.id!r})",
                        {}, q.answer))
    return out
