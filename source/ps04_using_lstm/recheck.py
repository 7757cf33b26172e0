"""Re-checks for ps04: shapes (unbatched too), truncated BPTT over streams with sequence boundaries, the invariances of the
classifier of messages padded at the start, the multi-year forecaster and
the quiz. Training to the accuracy targets is left to the tests (it takes seconds); these
cases call every exercise's code on inputs the tests never use."""

import copy

import torch
from torch import nn

from autograder.grading.recheck import Case, graded_quiz_cases
from rnnlab.classify import make_messages


def _shapes_case(k, args, options):
    seq_len, batch, input_size, hidden_size = args
    d = 2 if options.get("bidirectional") else 1
    h_out = options.get("proj_size", 0) or hidden_size
    layers = options.get("num_layers", 1)
    features = d * h_out
    if batch is None:  # an unbatched input
        expected = {"output": (seq_len, features), "h_n": (d * layers, h_out), "c_n": (d * layers, hidden_size)}
    else:
        output = (batch, seq_len, features) if options.get("batch_first") else (seq_len, batch, features)
        expected = {"output": output, "h_n": (d * layers, batch, h_out), "c_n": (d * layers, batch, hidden_size)}
    code = f"result = dict(lstm_output_shapes(*{args!r}, **{options!r}))"
    return Case(
        f"lstm_output_shapes_{k}", ["lstm_output_shapes_visible", "lstm_output_shapes_hidden"], code, {}, expected
    )


def _tbptt_case(k, T, batch, n_in, n_hid, chunk_len, resets, batch_first=False, dtype=torch.float32):
    """Streams with sequence boundaries: a stream whose resets[k] is True starts chunk k from zeros."""
    with torch.random.fork_rng():
        torch.manual_seed(9400 + k)
        lstm = nn.LSTM(n_in, n_hid, batch_first=batch_first).to(dtype)
        head = nn.Linear(n_hid, 1).to(dtype)
        x, y = torch.randn(T, batch, n_in, dtype=dtype), torch.randn(T, batch, 1, dtype=dtype)
    resets = torch.tensor(resets, dtype=torch.bool)
    inputs = dict(
        lstm_state=copy.deepcopy(lstm.state_dict()),
        head_state=copy.deepcopy(head.state_dict()),
        x=x.transpose(0, 1).contiguous() if batch_first else x,
        y=y.transpose(0, 1).contiguous() if batch_first else y,
        n_in=n_in,
        n_hid=n_hid,
        chunk_len=chunk_len,
        batch_first=batch_first,
        dtype=str(dtype)[6:],
        resets=resets.clone(),
    )
    # the reference runs time-major whatever the layout it hands over: the same training
    ref = nn.LSTM(n_in, n_hid).to(dtype)
    ref.load_state_dict(lstm.state_dict())
    opt = torch.optim.SGD(list(ref.parameters()) + list(head.parameters()), lr=0.2)
    h = torch.zeros(1, batch, n_hid, dtype=dtype)
    c = torch.zeros_like(h)
    losses = []
    for chunk, start in enumerate(range(0, T, chunk_len)):
        if chunk > 0:
            keep = ~resets[chunk].view(1, batch, 1)
            h, c = h * keep, c * keep
        out, (h, c) = ref(x[start : start + chunk_len], (h, c))
        loss = nn.functional.mse_loss(head(out), y[start : start + chunk_len])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
        h, c = h.detach(), c.detach()
    expected = (
        torch.tensor(losses, dtype=torch.float64),
        h.clone(),
        c.clone(),
        ref.weight_hh_l0.detach().clone(),
        False,
        str(dtype),
        resets.clone(),
    )
    code = (
        "_d = getattr(torch, dtype)\n"
        "_l = torch.nn.LSTM(n_in, n_hid, batch_first=batch_first).to(_d)\n_l.load_state_dict(lstm_state)\n"
        "_h = torch.nn.Linear(n_hid, 1).to(_d)\n_h.load_state_dict(head_state)\n"
        "_o = torch.optim.SGD(list(_l.parameters()) + list(_h.parameters()), lr=0.2)\n"
        "_losses, _state = train_tbptt(_l, _h, x, y, chunk_len, _o, resets)\n"
        "result = (torch.tensor([float(v) for v in _losses], dtype=torch.float64), _state[0].detach(),"
        " _state[1].detach(), _l.weight_hh_l0.detach().clone(),"
        " bool(_state[0].requires_grad or _state[1].requires_grad), str(_state[0].dtype), resets.clone())"
    )
    return Case(f"train_tbptt_{k}", ["train_tbptt_visible", "train_tbptt_hidden"], code, inputs, expected, atol=1e-4)


def _classifier_case():
    batch = make_messages(9, seed=5_000_000, pad_at="start")
    order = torch.randperm(9, generator=torch.Generator().manual_seed(0))
    inputs = dict(tokens=batch.tokens, lengths=batch.lengths, order=order)
    code = (
        "torch.manual_seed(11)\n_m = StartPaddedClassifier(30, num_classes=2).eval()\n"
        "with torch.no_grad():\n"
        "    _a = _m(tokens, lengths)\n"
        "    _b = _m(torch.cat([torch.zeros(9, 4, dtype=torch.long), tokens], 1), lengths)\n"
        "    _c = _m(tokens[order], lengths[order])\n"
        "result = (tuple(_a.shape), bool(torch.allclose(_a, _b, atol=1e-5)),"
        " bool(torch.allclose(_a[order], _c, atol=1e-5)))"
    )
    return Case(
        "spam_classifier_invariances",
        ["spam_classifier_visible", "spam_classifier_hidden"],
        code,
        inputs,
        ((9, 2), True, True),
    )


def _forecaster_case():
    g = torch.Generator().manual_seed(4400)
    x = torch.randn(6, 9, 1, generator=g)
    code = (
        "torch.manual_seed(12)\n_f = MultiStepForecaster(4, hidden_size=5).eval()\n"
        "with torch.no_grad():\n    _y = _f(x)\n    _one = _f(x[:1])\n"
        "result = (naive_multistep(x, 4).detach().clone(), tuple(_y.shape), tuple(_one.shape),"
        " [m.hidden_size for m in _f.modules() if type(m) is torch.nn.LSTM])"
    )
    return Case(
        "forecaster_naive_and_shape",
        ["forecaster_visible", "forecaster_hidden"],
        code,
        {"x": x},
        (x[:, -1, 0, None].expand(6, 4).clone(), (6, 4), (1, 4), [5]),
    )


def cases(course):
    out = [
        _shapes_case(0, (6, 2, 3, 5), {"bidirectional": True, "batch_first": True, "num_layers": 2}),
        _shapes_case(1, (4, 3, 2, 6), {"proj_size": 2}),
        _shapes_case(2, (5, None, 2, 6), {"bidirectional": True, "batch_first": True, "proj_size": 3}),
        _tbptt_case(0, 13, 2, 2, 3, 4, [[False, False], [True, False], [False, True], [True, True]]),
        _tbptt_case(1, 6, 1, 1, 2, 2, [[True], [True], [False]], dtype=torch.float64),
        _tbptt_case(
            2, 9, 4, 2, 3, 4, [[False] * 4, [False, True, False, True], [True, False, False, True]], batch_first=True
        ),
        _classifier_case(),
        _forecaster_case(),
    ]
    out += graded_quiz_cases("ps04_using_lstm", course)
    return out
