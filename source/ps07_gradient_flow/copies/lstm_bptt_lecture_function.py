"""Copy detector, exercise 4: the lecture's bptt_by_hand (chapter 07), the tanh RNN's backward pass,
run on each sequence of the batch with the LSTM's weights. An LSTM's weights stack four gates, so
the RNN's formulas do not apply (here they fail on the shapes), and nothing reaches c0: it must
not pass."""

COPY = {"lecture": "07_gradient_flow", "find": "def bptt_by_hand(", "definitions": True}
EXPECT = {"lose": ["lstm_sequence_grads"]}
CELLS = {
    "lstm_sequence_grads": """
{lecture}

def lstm_sequence_grads(x, h0, c0, W_ih, W_hh, b_ih, b_hh, grad_output):
    out = {"x": torch.zeros_like(x), "h0": torch.zeros_like(h0), "c0": torch.zeros_like(c0),
           "W_ih": torch.zeros_like(W_ih), "W_hh": torch.zeros_like(W_hh), "b_ih": torch.zeros_like(b_ih),
           "b_hh": torch.zeros_like(b_hh)}
    for b in range(x.shape[1]):
        hand, _ = bptt_by_hand(x[:, b], h0[b], W_ih, W_hh, b_ih, b_hh, grad_output[:, b])
        for name, key in (("W_ih", "W_ih"), ("W_hh", "W_hh"), ("b_ih", "b"), ("b_hh", "b")):
            out[name] += hand[key]
    return out
"""
}
