"""Probes of ps07: the gradient norm at every step with a loss at every step, a clipping function
equal to clip_grad_norm_, the forget gate's bias set in every LSTM and LSTMCell of a model, and
the backward pass of an LSTM over a whole sequence by hand.

Where the exercise asks for more than values, the probed call reports that too: whether the
gradients were scaled in their own tensors, whether the parameters kept their storage. Models are
built inside the probed call and filled here (torch's own initialisation draws differ between
CPUs), and a generator of parameters is made there too (a generator cannot be copied)."""

import torch
from torch import nn

from rnnlab.diagnose import call, tagged
from rnnlab.probes import Inputs

# ---- exercise 1: the gradient norm at every step -----------------------------------------------

_LAYERS = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}


def _norms(seed, kind, seq_len, batch, n_in, n_hid, weights=None):
    """A float64 layer on random inputs, with random weights unless given."""

    def probe(names):
        r = Inputs(seed)
        layer = r.module(_LAYERS[kind](n_in, n_hid))
        x = r.randn(seq_len, batch, n_in)
        w = r.randn(seq_len) if weights is None else torch.tensor(weights, dtype=torch.float64)
        return call(names["step_gradient_norms"], layer, x, w)

    return probe


def _which_vanish(step_gradient_norms, layer, x, weights):
    """Which norms are above zero, and the result's dtype: robust to the low bits of float32."""
    norms = step_gradient_norms(layer, x, weights)
    return norms > 0, str(norms.dtype)


def _tiny_float32(names):
    """A float32 RNN of one unit whose recurrent weight is 1e-6, on a batch of two (a norm of
    one entry is its absolute value, squared or not): the gradient falls by about that factor
    per step, to about 1e-30 at the first of six steps. Every gradient is a normal float32; the
    squares of the first two steps' entries are below float32's smallest denormal (0 however
    denormals are handled), those of the others are normal numbers."""
    layer = nn.RNN(1, 1)
    with torch.no_grad():
        layer.weight_ih_l0.fill_(0.5)
        layer.weight_hh_l0.fill_(1e-6)
        layer.bias_ih_l0.zero_()
        layer.bias_hh_l0.zero_()
    x = torch.tensor([[0.4, -0.1], [-0.6, 0.2], [0.3, 0.7], [0.8, -0.5], [-0.2, 0.1], [0.5, -0.3]]).view(6, 2, 1)
    weights = torch.tensor([0.0, 0.0, 0.0, 0.0, 0.0, 1.0])
    return call(_which_vanish, names["step_gradient_norms"], layer, x, weights)


# ---- exercise 2: clipping ------------------------------------------------------------------------


def _clipped(clip_grad_norm, grads, max_norm, how):
    """Parameters of ones with these gradients (None: no gradient), given as a list, a generator or
    a single tensor: the total norm (with no gradient at all, its type and value: the exercise asks
    for torch.tensor(0.0), float32), the gradients after, whether each stayed the same tensor with
    the same storage, and the parameters after (clipping leaves them as they were)."""
    params = [nn.Parameter(torch.ones(g.shape if g is not None else (2,), dtype=torch.float64)) for g in grads]
    for p, g in zip(params, grads):
        p.grad = None if g is None else g.clone()
    before = [(p.grad, p.grad.data_ptr()) if p.grad is not None else None for p in params]
    given = {"list": params, "generator": (p for p in params), "tensor": params[0]}[how]
    total = clip_grad_norm(given, max_norm)
    kept = [
        None if b is None else (p.grad is b[0] and p.grad is not None and p.grad.data_ptr() == b[1])
        for p, b in zip(params, before)
    ]
    if all(g is None for g in grads):
        total = (type(total).__name__, float(total))
    return total, [p.grad for p in params], kept, [p.detach().clone() for p in params]


def _clip(seed, shapes, scale, max_norm, how="list", no_grad=()):
    def probe(names):
        r = Inputs(seed)
        grads = [None if k in no_grad else r.randn(*s, scale=scale) for k, s in enumerate(shapes)]
        return call(_clipped, names["clip_grad_norm"], grads, max_norm, how)

    return probe


# ---- exercise 3: the forget gate's bias ------------------------------------------------------------


def _after(model):
    """What counts in a model: every parameter, except that an LSTM's or LSTMCell's two biases
    count only by their sum (PyTorch adds them); and whether every parameter kept its tensor,
    storage and dtype and still requires a gradient."""
    values = []
    for _, m in model.named_modules():
        lstm = isinstance(m, (nn.LSTM, nn.LSTMCell))
        for name, p in m.named_parameters(recurse=False):
            if lstm and name.startswith("bias_hh"):
                continue
            if lstm and name.startswith("bias_ih"):
                p = p + m.get_parameter(name.replace("bias_ih", "bias_hh"))
            values.append(p.detach().clone())
    return values


def _forgotten(init_forget_gates, build, seed, value):
    model = Inputs(seed).module(build())
    kept = [(p, p.data_ptr(), p.dtype) for p in model.parameters()]
    count = init_forget_gates(model, value)
    same = [
        (q is p, q.data_ptr() == ptr, q.dtype == dtype, q.requires_grad)
        for q, (p, ptr, dtype) in zip(model.parameters(), kept)
    ]
    return count, _after(model), same


def _forget(seed, build, value):
    def probe(names):
        return call(_forgotten, names["init_forget_gates"], build, seed, value)

    return probe


def _encoder_decoder():
    return nn.ModuleDict(
        {
            "encoder": nn.LSTM(2, 3, num_layers=2),
            "decoder": nn.LSTMCell(3, 4),
            "gru": nn.GRU(4, 3),
            "out": nn.Linear(4, 2),
        }
    )


def _no_lstm():
    return nn.Sequential(nn.GRU(2, 3), nn.Linear(3, 2))


def _bidirectional():
    return nn.LSTM(2, 2, bidirectional=True)


def _no_bias_first():
    return nn.Sequential(nn.LSTM(2, 2, bias=False), nn.LSTMCell(2, 1), nn.GRUCell(1, 2))


# ---- exercise 4: backpropagation through time for an LSTM -------------------------------------------


def _lstm_bptt(seed, seq_len, batch, n_in, n_hid, zero_start=False):
    """Random float64 inputs, weights of size about 0.5 (gates away from 0 and 1), a nonzero initial
    state unless `zero_start`, and a loss at every step."""

    def probe(names):
        r = Inputs(seed)
        h0 = r.randn(batch, n_hid) * (not zero_start)
        c0 = r.randn(batch, n_hid) * (not zero_start)
        args = [
            r.randn(seq_len, batch, n_in),
            h0,
            c0,
            r.randn(4 * n_hid, n_in, scale=0.5),
            r.randn(4 * n_hid, n_hid, scale=0.5),
            r.randn(4 * n_hid),
            r.randn(4 * n_hid),
            r.randn(seq_len, batch, n_hid),
        ]
        return call(names["lstm_sequence_grads"], *args)

    return probe


PROBES = {
    "step_gradient_norms": [
        _norms(1, "rnn", 5, 3, 2, 3),
        _norms(2, "lstm", 4, 2, 2, 3),
        tagged(_norms(3, "gru", 3, 1, 2, 1), "size_one"),  # a batch of one, one unit
        tagged(_norms(4, "lstm", 1, 2, 1, 2, weights=[1.5]), "size_one"),  # a single step
        _tiny_float32,
    ],
    "clip_grad_norm": [
        _clip(11, [(3, 2), (3,), (2, 2)], 5.0, 1.0),  # clipped, given as a list
        _clip(12, [(2, 3), (2,)], 5.0, 1.0, "generator"),  # clipped, given as a generator
        _clip(13, [(4,), (2, 2)], 0.05, 2.0, "generator", no_grad=()),  # below max_norm: unchanged
        _clip(14, [(3,), (2,), (2,)], 1e-6, 1e-6, no_grad=(1,)),  # where the 1e-6 matters
        _clip(15, [(2, 2)], 3.0, 0.5, "tensor"),  # a single tensor
        _clip(16, [(2,), (3,)], 1.0, 1.0, no_grad=(0, 1)),  # no gradient at all
    ],
    "init_forget_gates": [
        _forget(21, _encoder_decoder, 1.0),
        _forget(22, _bidirectional, -2.5),
        _forget(23, _no_bias_first, 0.5),
        _forget(24, _no_lstm, 1.0),  # nothing to set
    ],
    "lstm_sequence_grads": [
        _lstm_bptt(31, 4, 3, 2, 3),
        _lstm_bptt(32, 3, 2, 3, 2, zero_start=True),  # the default zero state
        tagged(_lstm_bptt(33, 1, 2, 2, 3), "size_one"),  # a single step
        tagged(_lstm_bptt(34, 3, 1, 1, 2), "size_one"),  # a batch of one, one input
    ],
}
