"""Copy detector, exercise 4: the lecture's bptt_by_hand (chapter 07), run on each sequence of the
batch and its weight gradients summed over the batch. The lecture's function computes no gradient
for the inputs x and h0, so those stay zero here; it must not pass."""

COPY = {"lecture": "07_gradient_flow", "find": "def bptt_by_hand(", "definitions": True}
EXPECT = {"lose": ["rnn_backward"]}
CELLS = {
    "rnn_backward": """
{lecture}

def rnn_backward(x, h0, W_ih, W_hh, b_ih, b_hh, grad_output):
    out = {"x": torch.zeros_like(x), "h0": torch.zeros_like(h0), "W_ih": torch.zeros_like(W_ih),
           "W_hh": torch.zeros_like(W_hh), "b_ih": torch.zeros_like(b_ih), "b_hh": torch.zeros_like(b_hh)}
    for b in range(x.shape[1]):
        hand, _ = bptt_by_hand(x[:, b], h0[b], W_ih, W_hh, b_ih, b_hh, grad_output[:, b])
        for name, key in (("W_ih", "W_ih"), ("W_hh", "W_hh"), ("b_ih", "b"), ("b_hh", "b")):
            out[name] += hand[key]
    return out
"""
}
