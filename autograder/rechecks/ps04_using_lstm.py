"""Re-checks for ps04: shapes, truncated BPTT, the classifier's invariances, the forecaster and
the quiz. Training to the accuracy targets is left to the tests (it takes seconds); these
cases call every exercise's code on inputs the tests never use."""
import copy

import torch
from torch import nn

from autograder.recheck import Case
from rnnlab.classify import make_messages
from rnnlab.quiz import load_quiz


def _shapes_case(k, args, options):
    seq_len, batch, input_size, hidden_size = args
    d = 2 if options.get("bidirectional") else 1
    h_out = options.get("proj_size", 0) or hidden_size
    layers = options.get("num_layers", 1)
    features = d * h_out
    output = (batch, seq_len, features) if options.get("batch_first") else (seq_len, batch, features)
    expected = {"output": output, "h_n": (d * layers, batch, h_out), "c_n": (d * layers, batch, hidden_size)}
    code = f"result = dict(lstm_output_shapes(*{args!r}, **{options!r}))"
    return Case(f"lstm_output_shapes_{k}", ["lstm_output_shapes_visible", "lstm_output_shapes_hidden"],
                code, {}, expected)


def _tbptt_case(k, T, batch, n_in, n_hid, chunk_len):
    with torch.random.fork_rng():
        torch.manual_seed(9400 + k)
        lstm, head = nn.LSTM(n_in, n_hid), nn.Linear(n_hid, 1)
        x, y = torch.randn(T, batch, n_in), torch.randn(T, batch, 1)
    inputs = dict(lstm_state=copy.deepcopy(lstm.state_dict()), head_state=copy.deepcopy(head.state_dict()),
                  x=x, y=y, n_in=n_in, n_hid=n_hid, chunk_len=chunk_len)
    opt = torch.optim.SGD(list(lstm.parameters()) + list(head.parameters()), lr=0.2)
    state, losses = None, []
    for start in range(0, T, chunk_len):
        out, state = lstm(x[start:start + chunk_len], state)
        loss = nn.functional.mse_loss(head(out), y[start:start + chunk_len])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
        state = tuple(s.detach() for s in state)
    expected = (torch.tensor(losses, dtype=torch.float64), state[0].clone(), state[1].clone(),
                lstm.weight_hh_l0.detach().clone(), False)
    code = ("_l = torch.nn.LSTM(n_in, n_hid)\n_l.load_state_dict(lstm_state)\n"
            "_h = torch.nn.Linear(n_hid, 1)\n_h.load_state_dict(head_state)\n"
            "_o = torch.optim.SGD(list(_l.parameters()) + list(_h.parameters()), lr=0.2)\n"
            "_losses, _state = train_tbptt(_l, _h, x, y, chunk_len, _o)\n"
            "result = (torch.tensor([float(v) for v in _losses], dtype=torch.float64), _state[0].detach(),"
            " _state[1].detach(), _l.weight_hh_l0.detach().clone(),"
            " bool(_state[0].requires_grad or _state[1].requires_grad))")
    return Case(f"train_tbptt_{k}", ["train_tbptt_visible", "train_tbptt_hidden"], code, inputs, expected, atol=1e-4)


def _classifier_case():
    batch = make_messages(9, seed=5_000_000)
    order = torch.randperm(9, generator=torch.Generator().manual_seed(0))
    inputs = dict(tokens=batch.tokens, lengths=batch.lengths, order=order)
    code = ("torch.manual_seed(11)\n_m = SpamClassifier(30, num_classes=2).eval()\n"
            "with torch.no_grad():\n"
            "    _a = _m(tokens, lengths)\n"
            "    _b = _m(torch.cat([tokens, torch.zeros(9, 4, dtype=torch.long)], 1), lengths)\n"
            "    _c = _m(tokens[order], lengths[order])\n"
            "result = (tuple(_a.shape), bool(torch.allclose(_a, _b, atol=1e-5)),"
            " bool(torch.allclose(_a[order], _c, atol=1e-5)))")
    return Case("spam_classifier_invariances", ["spam_classifier_visible", "spam_classifier_hidden"],
                code, inputs, ((9, 2), True, True))


def _forecaster_case():
    g = torch.Generator().manual_seed(4400)
    x = torch.randn(6, 9, 1, generator=g)
    code = ("torch.manual_seed(12)\n_f = Forecaster(hidden_size=5).eval()\n"
            "with torch.no_grad():\n    _y = _f(x)\n"
            "result = (naive_forecast(x).detach().clone(), tuple(_y.shape))")
    return Case("forecaster_naive_and_shape", ["forecaster_visible", "forecaster_hidden"], code,
                {"x": x}, (x[:, -1, 0].clone(), (6,)))


def cases():
    out = [_shapes_case(0, (6, 2, 3, 5), {"bidirectional": True, "batch_first": True, "num_layers": 2}),
           _shapes_case(1, (4, 3, 2, 6), {"proj_size": 2}),
           _tbptt_case(0, 13, 2, 2, 3, 4), _tbptt_case(1, 6, 1, 1, 2, 6),
           _classifier_case(), _forecaster_case()]
    for q in load_quiz("04").questions:
        out.append(Case(f"quiz_{q.id}", [f"quiz_{q.id}"], f"result = quiz_answers.get({q.id!r})", {}, q.answer))
    return out
