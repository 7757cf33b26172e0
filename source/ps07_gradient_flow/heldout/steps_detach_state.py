"""Detaches the state passed from one step to the next, so nothing flows back through later steps and each norm is only its own step's direct part."""

MISTAKE = "state detached between steps"
EXPECT = {"lose": ["step_gradient_norms"]}
CELLS = {
    "step_gradient_norms": """def step_gradient_norms(layer, x, weights):
    state = None
    hs = []
    for t in range(x.shape[0]):
        if state is not None:
            state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
        _, state = layer(x[t:t + 1], state)
        hs.append(state[0] if isinstance(state, tuple) else state)
    loss = sum(weights[t] * hs[t].sum() for t in range(len(hs)))
    grads = torch.autograd.grad(loss, hs)
    return torch.stack([g.double().norm() for g in grads])
"""
}
