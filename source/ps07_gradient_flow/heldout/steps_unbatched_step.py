"""Feeds x[t] (batch, input) to the layer without the time dimension: the layer reads it as one unbatched sequence whose steps are the batch entries, so the states are wrong."""

MISTAKE = "time dimension dropped: batch read as a sequence"
EXPECT = {"lose": ["step_gradient_norms"]}
CELLS = {
    "step_gradient_norms": """def step_gradient_norms(layer, x, weights):
    state = None
    hs = []
    for t in range(x.shape[0]):
        out, state = layer(x[t], state)
        h = state[0] if isinstance(state, tuple) else state
        hs.append(h)
    loss = 0.0
    for w, h in zip(weights, hs):
        loss = loss + w * h.sum()
    grads = torch.autograd.grad(loss, hs)
    return torch.stack([g.double().norm() for g in grads])
"""
}
