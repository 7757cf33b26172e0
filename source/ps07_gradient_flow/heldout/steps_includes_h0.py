"""Keeps the zero initial state in the list of states, so the result starts with the gradient at h_0 and drops the last step: the norms are shifted by one step."""

MISTAKE = "off by one: h_0 included, h_T dropped"
EXPECT = {"lose": ["step_gradient_norms"]}
CELLS = {
    "step_gradient_norms": """def step_gradient_norms(layer, x, weights):
    seq_len, batch, _ = x.shape
    h = torch.zeros(1, batch, layer.hidden_size, dtype=x.dtype, requires_grad=True)
    if isinstance(layer, nn.LSTM):
        state = (h, torch.zeros_like(h))
    else:
        state = h
    hs = [h]
    for t in range(seq_len):
        _, state = layer(x[t:t + 1], state)
        hs.append(state[0] if isinstance(layer, nn.LSTM) else state)
    loss = sum(w * s.sum() for w, s in zip(weights, hs[1:]))
    grads = torch.autograd.grad(loss, hs[:-1], allow_unused=True)
    return torch.stack([g.double().norm() for g in grads])
"""
}
