"""Copy detector, exercise 4: the course function the lecture names for a batched backward pass,
rnnlab.bptt.rnn_backward (a tanh RNN's), imported with the lecture cell's other imports and called
with the LSTM's arguments. It knows no gates and no cell state: it must not pass."""

COPY = {"lecture": "07_gradient_flow", "find": "from rnnlab.bptt import HandRNN", "imports_only": True}
EXPECT = {"lose": ["lstm_sequence_grads"]}
CELLS = {
    "lstm_sequence_grads": """
{lecture}
from rnnlab.bptt import rnn_backward as _course_backward

def lstm_sequence_grads(x, h0, c0, W_ih, W_hh, b_ih, b_hh, grad_output):
    grads = _course_backward(x, h0, W_ih, W_hh, b_ih, b_hh, grad_output)
    return {**grads, "c0": torch.zeros_like(c0)}
"""
}
