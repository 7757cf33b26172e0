"""Re-checks for ps02: manual_rnn, rnn_shapes, count_parameters and the quiz answers.

Re-check inputs cannot hold modules, so manual_rnn's cases carry a state dict and the layer's
arguments, and rebuild the nn.RNN inside the kernel."""

import torch
from torch import nn

from autograder.grading.recheck import Case, graded_quiz_cases

# the hidden tests' rule (forbid_calls) for rnn_shapes and count_parameters: from the arguments, no
# recurrent layer built
LAYER_RULE = ("torch.nn.modules.rnn.RNNBase.__init__", "torch.nn.modules.rnn.RNNCellBase.__init__")


def _manual_case(k, seq_len, batch, n_in, n_hid, layers, nonlinearity, with_h0, dtype=torch.float32):
    with torch.random.fork_rng():
        torch.manual_seed(9000 + k)
        rnn = nn.RNN(n_in, n_hid, num_layers=layers, nonlinearity=nonlinearity).to(dtype)
        x = torch.randn(seq_len, batch, n_in, dtype=dtype)
        h_0 = torch.randn(layers, batch, n_hid, dtype=dtype) if with_h0 else None
    with torch.no_grad():
        output, h_n = rnn(x, h_0)
    inputs = dict(
        state={k: v.detach().clone() for k, v in rnn.state_dict().items()},
        x=x,
        h_0=h_0,
        n_in=n_in,
        n_hid=n_hid,
        layers=layers,
        nonlinearity=nonlinearity,
    )
    code = (
        "layer = torch.nn.RNN(n_in, n_hid, num_layers=layers, nonlinearity=nonlinearity, dtype=x.dtype)\n"
        "layer.load_state_dict(state)\n"
        "with torch.no_grad():\n"
        "    result = tuple(t.detach() for t in manual_rnn(layer, x, h_0))\n"
    )
    return Case(f"manual_rnn_{k}", ["manual_rnn_visible", "manual_rnn_hidden"], code, inputs, (output, h_n), atol=1e-6)


def _shapes_case(k, n_in, n_hid, layers, bidirectional, batch_first, seq_len, batch):
    rnn = nn.RNN(n_in, n_hid, num_layers=layers, bidirectional=bidirectional, batch_first=batch_first)
    size = (batch, seq_len) if batch_first else (seq_len, batch)
    with torch.no_grad():
        output, h_n = rnn(torch.zeros(*size, n_in))
    args = dict(
        input_size=n_in,
        hidden_size=n_hid,
        num_layers=layers,
        bidirectional=bidirectional,
        batch_first=batch_first,
        seq_len=seq_len,
        batch=batch,
    )
    return Case(
        f"rnn_shapes_{k}",
        ["rnn_shapes_visible", "rnn_shapes_hidden"],
        "result = rnn_shapes(**args)",
        dict(args=args),
        (tuple(output.shape), tuple(h_n.shape)),
        forbid=LAYER_RULE,
    )


def _count_case(k, n_in, n_hid, layers, bidirectional, bias):
    rnn = nn.RNN(n_in, n_hid, num_layers=layers, bidirectional=bidirectional, bias=bias)
    args = dict(input_size=n_in, hidden_size=n_hid, num_layers=layers, bidirectional=bidirectional, bias=bias)
    return Case(
        f"count_parameters_{k}",
        ["count_parameters_visible", "count_parameters_hidden"],
        "result = count_parameters(**args)",
        dict(args=args),
        sum(p.numel() for p in rnn.parameters()),
        forbid=LAYER_RULE,
    )


def cases(course):
    out = [
        _manual_case(0, 5, 2, 3, 4, 3, "tanh", True),
        _manual_case(1, 4, 3, 2, 5, 2, "relu", False),
        _manual_case(2, 3, 1, 1, 2, 1, "tanh", False),
        _manual_case(3, 4, 2, 2, 3, 2, "tanh", False, torch.float64),
    ]
    out += [
        _shapes_case(0, 3, 4, 2, True, True, 6, 5),
        _shapes_case(1, 2, 7, 3, False, False, 4, 1),
        _shapes_case(2, 5, 2, 1, True, False, 3, 2),
    ]
    out += [
        _count_case(0, 6, 5, 3, True, True),
        _count_case(1, 9, 4, 2, False, False),
        _count_case(2, 2, 8, 1, True, False),
    ]
    out += graded_quiz_cases("ps02_rnn", course)
    return out
