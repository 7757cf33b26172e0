"""Copy detector, exercise 4: the course function the lecture names for the batched backward pass,
rnnlab.bptt.rnn_backward, under the exercise's name. Its values are right; the exercise puts it off
limits and the hidden tests watch for it, so it must not pass."""

COPY = {"lecture": "07_gradient_flow", "find": "from rnnlab.bptt import HandRNN", "imports_only": True}
EXPECT = {"lose": ["rnn_backward_hidden"]}
CELLS = {
    "rnn_backward": """
{lecture}
from rnnlab.bptt import rnn_backward as _course_backward

def rnn_backward(x, h0, W_ih, W_hh, b_ih, b_hh, grad_output):
    return _course_backward(x, h0, W_ih, W_hh, b_ih, b_hh, grad_output)
"""
}
