"""Collects the norms as Python numbers with .item() and rebuilds them with torch.tensor, which gives a float32 tensor instead of float64."""

MISTAKE = "result rebuilt as float32 tensor"
EXPECT = {"lose": ["step_gradient_norms"]}
CELLS = {
    "step_gradient_norms": """def step_gradient_norms(layer, x, weights):
    state = None
    hs = []
    for t in range(x.shape[0]):
        _, state = layer(x[t:t + 1], state)
        hs.append(state[0] if isinstance(state, tuple) else state)
    loss = sum(weights[t] * hs[t].sum() for t in range(len(hs)))
    grads = torch.autograd.grad(loss, hs)
    return torch.tensor([g.double().norm().item() for g in grads])
"""
}
