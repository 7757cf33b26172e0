"""Re-checks for ps07: step_gradient_norms, clip_grad_norm, set_forget_bias and the quiz."""
import torch
from torch import nn

from autograder.recheck import Case, graded_quiz_cases
from rnnlab.gradients import norms64, set_forget_bias, unroll

LAYERS = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}


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
    inputs = dict(kind=kind, state={n: v.detach().clone() for n, v in layer.state_dict().items()},
                  x=x, weights=weights, n_in=n_in, n_hid=n_hid)
    code = ("layer = {'rnn': torch.nn.RNN, 'gru': torch.nn.GRU, 'lstm': torch.nn.LSTM}[kind](n_in, n_hid)\n"
            "layer.load_state_dict(state)\n"
            "result = step_gradient_norms(layer, x, weights).detach()")
    if log:
        code += "\nresult = torch.log10(result.double().clamp_min(1e-30))"
    return Case(f"step_gradient_norms_{k}", ["step_gradient_norms_visible", "step_gradient_norms_hidden"],
                code, inputs, expected, atol=1e-3 if log else 1e-5)


def _clip_case(k, shapes, scale, max_norm):
    with torch.random.fork_rng():
        torch.manual_seed(9800 + k)
        grads = [scale * torch.randn(s) for s in shapes]
    params = [nn.Parameter(torch.zeros(s)) for s in shapes]
    for p, g in zip(params, grads):
        p.grad = g.clone()
    total = nn.utils.clip_grad_norm_(params, max_norm)
    expected = (total.detach() / scale, [p.grad.detach() / scale for p in params])
    code = ("params = [torch.nn.Parameter(torch.zeros(g.shape)) for g in grads]\n"
            "for p, g in zip(params, grads):\n"
            "    p.grad = g.clone()\n"
            "total = clip_grad_norm((p for p in params), max_norm)\n"
            "result = (total.detach() / scale, [p.grad.detach() / scale for p in params])")
    return Case(f"clip_grad_norm_{k}", ["clip_grad_norm_visible", "clip_grad_norm_hidden"], code,
                dict(grads=grads, scale=scale, max_norm=max_norm), expected)


def _forget_case(k, value, num_layers, bidirectional):
    with torch.random.fork_rng():
        torch.manual_seed(9900 + k)
        lstm = nn.LSTM(2, 3, num_layers=num_layers, bidirectional=bidirectional)
    state = {n: v.detach().clone() for n, v in lstm.state_dict().items()}
    set_forget_bias(lstm, value)
    # what must hold whichever way the value is split between the two biases: each pair's sum,
    # every weight, and the i, g, o entries of each bias
    code = ("lstm = torch.nn.LSTM(2, 3, num_layers=num_layers, bidirectional=bidirectional)\n"
            "lstm.load_state_dict(state)\n"
            "set_forget_bias(lstm, value)\n"
            "_keep = torch.tensor([0, 1, 2, 6, 7, 8, 9, 10, 11])\n"
            "result = {}\n"
            "for _n, _p in lstm.named_parameters():\n"
            "    if _n.startswith('bias_ih'):\n"
            "        result['sum' + _n[7:]] = (_p + getattr(lstm, 'bias_hh' + _n[7:])).detach().clone()\n"
            "    result[_n] = (_p[_keep] if _n.startswith('bias') else _p).detach().clone()\n")
    keep = torch.tensor([0, 1, 2, 6, 7, 8, 9, 10, 11])
    expected = {}
    for n, p in lstm.named_parameters():
        if n.startswith("bias_ih"):
            expected["sum" + n[7:]] = (p + getattr(lstm, "bias_hh" + n[7:])).detach().clone()
        expected[n] = (p[keep] if n.startswith("bias") else p).detach().clone()
    return Case(f"set_forget_bias_{k}", ["set_forget_bias_visible", "set_forget_bias_hidden"], code,
                dict(state=state, value=value, num_layers=num_layers, bidirectional=bidirectional),
                expected)


def cases(course):
    out = [_norms_case(0, "rnn", 7, 3, 2, 4), _norms_case(1, "gru", 5, 2, 3, 3),
           _norms_case(2, "lstm", 9, 2, 2, 5), _norms_case(4, "rnn", 100, 8, 2, 32, log=True)]
    out += [_clip_case(0, [(3, 2), (4,)], 4.0, 1.0), _clip_case(1, [(5,), (2, 2)], 0.05, 1.0),
            _clip_case(2, [(4,), (3,)], 1e-6, 1e-6)]
    out += [_forget_case(0, 1.0, 2, True), _forget_case(1, -0.5, 3, False)]
    return out + graded_quiz_cases("ps07_gradient_flow", course)
