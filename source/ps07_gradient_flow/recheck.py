"""Re-checks for ps07: step_gradient_norms, clip_grad_norm, init_forget_gates on a whole model,
lstm_sequence_grads (without autograd) and the quiz, each exercise with the rule its hidden tests keep
(what it must not call)."""

import torch
from torch import nn

from autograder.grading.recheck import Case, graded_quiz_cases
from rnnlab.gradients import norms64, set_forget_bias, unroll

LAYERS = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}

# the hidden tests' rules (forbid_calls), judged in the re-check process too: the course's own
# norms and unrolling, torch's clipping (the functions this torch has, as the tests list them),
# the course's set_forget_bias and the pairs of biases it finds
NORMS_RULE = ("rnnlab.gradients.hidden_grad_norms", "rnnlab.gradients.unroll")
CLIP_RULE = ("torch.nn.utils.clip_grad_norm_",) + tuple(
    f"torch.nn.utils.{name}"
    for name in ("clip_grad_norm", "get_total_norm", "clip_grads_with_norm_")
    if hasattr(nn.utils, name)
)
FORGET_RULE = ("rnnlab.gradients.set_forget_bias", "rnnlab.gradients._bias_pairs")
LSTM_NAMES = ("x", "h0", "c0", "W_ih", "W_hh", "b_ih", "b_hh")


def _norms_case(k, kind, seq_len, batch, n_in, n_hid, log=False):
    """With `log`, the result is log10 of the norms (floored at 1e-30), so that norms near 1e-26,
    which a float32 norm turns into 0, count as much as large ones."""
    with torch.random.fork_rng():
        torch.manual_seed(9700 + k)
        layer = LAYERS[kind](n_in, n_hid)
        x = torch.rand(seq_len, batch, n_in)
        weights = torch.randn(seq_len)
    hs, _ = unroll(layer, x)
    expected = norms64(torch.autograd.grad(sum(w * h.sum() for w, h in zip(weights, hs)), hs))
    if log:
        expected = torch.log10(expected.clamp_min(1e-30))
    inputs = dict(
        kind=kind,
        state={n: v.detach().clone() for n, v in layer.state_dict().items()},
        x=x,
        weights=weights,
        n_in=n_in,
        n_hid=n_hid,
    )
    code = (
        "layer = {'rnn': torch.nn.RNN, 'gru': torch.nn.GRU, 'lstm': torch.nn.LSTM}[kind](n_in, n_hid)\n"
        "layer.load_state_dict(state)\n"
        "result = step_gradient_norms(layer, x, weights).detach()"
    )
    if log:
        code += "\nresult = torch.log10(result.double().clamp_min(1e-30))"
    return Case(
        f"step_gradient_norms_{k}",
        ["step_gradient_norms_visible", "step_gradient_norms_hidden"],
        code,
        inputs,
        expected,
        atol=1e-3 if log else 1e-5,
        forbid=NORMS_RULE,
    )


def _clip_case(k, shapes, scale, max_norm):
    with torch.random.fork_rng():
        torch.manual_seed(9800 + k)
        grads = [scale * torch.randn(s) for s in shapes]
    params = [nn.Parameter(torch.zeros(s)) for s in shapes]
    for p, g in zip(params, grads):
        p.grad = g.clone()
    total = nn.utils.clip_grad_norm_(params, max_norm)
    expected = (total.detach() / scale, [p.grad.detach() / scale for p in params])
    code = (
        "params = [torch.nn.Parameter(torch.zeros(g.shape)) for g in grads]\n"
        "for p, g in zip(params, grads):\n"
        "    p.grad = g.clone()\n"
        "total = clip_grad_norm((p for p in params), max_norm)\n"
        "result = (total.detach() / scale, [p.grad.detach() / scale for p in params])"
    )
    return Case(
        f"clip_grad_norm_{k}",
        ["clip_grad_norm_visible", "clip_grad_norm_hidden"],
        code,
        dict(grads=grads, scale=scale, max_norm=max_norm),
        expected,
        forbid=CLIP_RULE,
    )


_FORGET_MODEL = (
    "torch.nn.ModuleDict({'encoder': torch.nn.LSTM(2, 3, num_layers=num_layers, bidirectional=bidirectional),"
    " 'cell': torch.nn.LSTMCell(3, 4), 'gru': torch.nn.GRU(4, 3),"
    " 'plain': torch.nn.LSTM(3, 2, bias=False)}).to(dtype)"
)


def _forget_case(k, value, num_layers, bidirectional, dtype=torch.float32):
    """A model holding an LSTM, an LSTMCell, a GRU and an LSTM without biases: what must hold
    whichever way the value is split between the two biases (each pair's sum, every weight, the
    i, g, o entries of each bias, every GRU parameter) and the count."""
    with torch.random.fork_rng():
        torch.manual_seed(9900 + k)
        model = eval(
            _FORGET_MODEL, {"torch": torch, "num_layers": num_layers, "bidirectional": bidirectional, "dtype": dtype}
        )
    state = {n: v.detach().clone() for n, v in model.state_dict().items()}
    for module in (model["encoder"], model["cell"]):
        set_forget_bias(module, value)
    count = num_layers * (2 if bidirectional else 1) + 1  # the encoder's pairs and the cell's
    code = (
        "dtype = getattr(torch, dtype_name)\n"
        f"model = {_FORGET_MODEL}\n"
        "model.load_state_dict(state)\n"
        "_count = init_forget_gates(model, value)\n"
        "result = {'count': _count}\n"
        "for _key, _m in model.items():\n"
        "    _H = _m.hidden_size\n"
        "    _keep = torch.cat([torch.arange(0, _H), torch.arange(2 * _H, 4 * _H)])\n"
        "    for _n, _p in _m.named_parameters():\n"
        "        _name = _key + '.' + _n\n"
        "        if _n.startswith('bias_ih') and not isinstance(_m, torch.nn.GRU):\n"
        "            result['sum ' + _name] = (_p + _m.get_parameter(_n.replace('bias_ih', 'bias_hh'))).detach().clone()\n"
        "        _bias = _n.startswith('bias') and not isinstance(_m, torch.nn.GRU)\n"
        "        result[_name] = (_p[_keep] if _bias else _p).detach().clone()\n"
    )
    expected = {"count": count}
    for key, m in model.items():
        H = m.hidden_size
        keep = torch.cat([torch.arange(0, H), torch.arange(2 * H, 4 * H)])
        for n, p in m.named_parameters():
            name = f"{key}.{n}"
            if n.startswith("bias_ih") and not isinstance(m, nn.GRU):
                expected["sum " + name] = (p + m.get_parameter(n.replace("bias_ih", "bias_hh"))).detach().clone()
            bias = n.startswith("bias") and not isinstance(m, nn.GRU)
            expected[name] = (p[keep] if bias else p).detach().clone()
    return Case(
        f"init_forget_gates_{k}",
        ["init_forget_gates_visible", "init_forget_gates_hidden"],
        code,
        dict(state=state, value=value, num_layers=num_layers, bidirectional=bidirectional, dtype_name=str(dtype)[6:]),
        expected,
        atol=1e-6,
        forbid=FORGET_RULE,
    )


def _lstm_bptt_case(k, seq_len, batch, n_in, n_hid):
    """lstm_sequence_grads on float64 inputs with a nonzero h0 and c0 and a loss at every step: the
    seven gradients from nn.LSTM and autograd."""
    g = torch.Generator().manual_seed(9950 + k)
    rand = lambda *shape: torch.randn(*shape, generator=g, dtype=torch.float64)
    values = [
        rand(seq_len, batch, n_in),
        rand(batch, n_hid),
        rand(batch, n_hid),
        0.5 * rand(4 * n_hid, n_in),
        0.5 * rand(4 * n_hid, n_hid),
        rand(4 * n_hid),
        rand(4 * n_hid),
    ]
    grad_output = rand(seq_len, batch, n_hid)
    leaves = [v.clone().requires_grad_() for v in values]
    layer = nn.LSTM(n_in, n_hid, dtype=torch.float64)
    for name, value in zip(("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"), leaves[3:]):
        delattr(layer, name)
        setattr(layer, name, value)
    output, _ = layer(leaves[0], (leaves[1][None], leaves[2][None]))
    grads = torch.autograd.grad((output * grad_output).sum(), leaves)
    code = (
        "_g = lstm_sequence_grads(x, h0, c0, W_ih, W_hh, b_ih, b_hh, grad_output)\n"
        "result = {k: _g[k] for k in ('x', 'h0', 'c0', 'W_ih', 'W_hh', 'b_ih', 'b_hh')}"
    )
    return Case(
        f"lstm_sequence_grads_{k}",
        ["lstm_sequence_grads_visible", "lstm_sequence_grads_hidden"],
        code,
        dict(zip(LSTM_NAMES, values), grad_output=grad_output),
        {n: d.detach() for n, d in zip(LSTM_NAMES, grads)},
        atol=1e-9,
        autograd=False,
    )  # "the backward pass by hand"


def cases(course):
    out = [
        _norms_case(0, "rnn", 7, 3, 2, 4),
        _norms_case(1, "gru", 5, 2, 3, 3),
        _norms_case(2, "lstm", 9, 2, 2, 5),
        _norms_case(4, "rnn", 100, 8, 2, 32, log=True),
    ]
    out += [
        _clip_case(0, [(3, 2), (4,)], 4.0, 1.0),
        _clip_case(1, [(5,), (2, 2)], 0.05, 1.0),
        _clip_case(2, [(4,), (3,)], 1e-6, 1e-6),
    ]
    out += [_forget_case(0, 1.0, 2, True), _forget_case(1, -0.5, 3, False, torch.float64)]
    out += [_lstm_bptt_case(0, 5, 3, 2, 4), _lstm_bptt_case(1, 1, 1, 3, 2)]
    return out + graded_quiz_cases("ps07_gradient_flow", course)
