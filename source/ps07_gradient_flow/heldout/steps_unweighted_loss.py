"""Builds the loss as the plain sum of every h_t, ignoring the weights w_t."""

MISTAKE = "weights ignored in the loss"
EXPECT = {"lose": ["step_gradient_norms"]}
CELLS = {
    "step_gradient_norms": """def step_gradient_norms(layer, x, weights):
    state = None
    hiddens = []
    for t in range(x.shape[0]):
        _, state = layer(x[t:t + 1], state)
        hiddens.append(state[0] if isinstance(state, tuple) else state)
    loss = sum(h.sum() for h in hiddens)
    grads = torch.autograd.grad(loss, hiddens)
    return torch.stack([g.double().norm() for g in grads])
"""
}
