"""Probes of ps02: nn.RNN computed by hand for any number of layers, the shapes of its output and
h_n, and its number of parameters.

manual_rnn is handed, as in the set's tests, an nn.RNN whose forward pass is switched off (calling
the layer raises RuntimeError), in float64 with every parameter drawn here; the probes cover one
and several layers, tanh and ReLU, with and without h_0, and sizes of 1."""

from torch import nn

from rnnlab.diagnose import call, tagged
from rnnlab.probes import Inputs


class _NoForward(nn.RNN):
    """An nn.RNN that refuses to run: an answer must compute the steps from its weights."""

    def forward(self, *args, **kwargs):
        error = RuntimeError("compute the steps yourself from the layer's weights; do not call the layer")
        error._rnnlab_rule = True  # a rule broken: told apart from every other error
        raise error


# ---- exercise 1: manual_rnn --------------------------------------------------------------------


def _manual(seed, seq_len, batch, n_in, n_hid, layers, nonlinearity, with_h0):
    def probe(names):
        r = Inputs(seed)
        rnn = r.module(_NoForward(n_in, n_hid, num_layers=layers, nonlinearity=nonlinearity))
        x = r.randn(seq_len, batch, n_in)
        h_0 = r.randn(layers, batch, n_hid) if with_h0 else None
        return call(names["manual_rnn"], rnn, x, h_0)

    return probe


# ---- exercises 2 and 3: rnn_shapes, count_parameters --------------------------------------------


def _plain(exercise, *args):
    def probe(names):
        return call(names[exercise], *args)

    return probe


PROBES = {
    "manual_rnn": [
        tagged(_manual(1, 3, 2, 3, 2, 2, "tanh", False), "no_state"),  # two layers, no h_0
        _manual(2, 4, 2, 2, 3, 2, "relu", True),  # two ReLU layers from h_0
        tagged(_manual(3, 3, 1, 2, 2, 1, "relu", True), "size_one"),  # one layer, a batch of 1
        tagged(_manual(4, 2, 3, 1, 1, 3, "tanh", True), "size_one"),  # three layers, input and hidden size 1
        # no h_0 again, input_size equal to hidden_size: zeros of the input's width are then right,
        # where zeros of the wrong dtype still fail
        tagged(_manual(5, 3, 2, 2, 2, 2, "relu", False), "no_state"),
    ],
    # (input_size, hidden_size, num_layers, bidirectional, batch_first, seq_len, batch)
    "rnn_shapes": [
        _plain("rnn_shapes", 2, 3, 1, False, True, 4, 2),
        _plain("rnn_shapes", 3, 2, 2, True, False, 5, 3),
        tagged(_plain("rnn_shapes", 1, 4, 3, False, True, 1, 1), "size_one"),  # one step of one sequence
        tagged(_plain("rnn_shapes", 4, 1, 1, True, True, 2, 5), "size_one"),  # one hidden unit
    ],
    # (input_size, hidden_size, num_layers, bidirectional, bias)
    "count_parameters": [
        tagged(_plain("count_parameters", 3, 4), "no_state"),  # the defaults
        _plain("count_parameters", 3, 4, 2, True, True),
        _plain("count_parameters", 5, 2, 3, False, False),
        _plain("count_parameters", 2, 3, 2, True, False),
        tagged(_plain("count_parameters", 1, 1, 1, False, True), "size_one"),
    ],
}
