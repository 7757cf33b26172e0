"""Exercise 4, right, written differently: the states and the deltas kept as whole (T, batch, hidden)
tensors, the weight gradients and dL/dx summed over steps and batch at once with einsum."""

EXPECT = {"full": True}
CELLS = {
    "rnn_backward": """
def rnn_backward(x, h0, W_ih, W_hh, b_ih, b_hh, grad_output):
    states, h = [], h0
    for x_t in x:
        h = torch.tanh(x_t @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
        states.append(h)
    after = torch.stack(states)                          # h_1 ... h_T
    before = torch.cat([h0[None], after[:-1]])           # h_0 ... h_(T-1), what each step read
    deltas = torch.empty_like(after)
    carry = torch.zeros_like(h0)
    for t in reversed(range(x.shape[0])):
        deltas[t] = (grad_output[t] + carry) * (1 - after[t] * after[t])
        carry = deltas[t] @ W_hh
    bias = deltas.sum(dim=(0, 1))
    return {"x": torch.einsum("tbk,ki->tbi", deltas, W_ih), "h0": carry,
            "W_ih": torch.einsum("tbk,tbi->ki", deltas, x), "W_hh": torch.einsum("tbk,tbj->kj", deltas, before),
            "b_ih": bias, "b_hh": bias.clone()}
"""
}
