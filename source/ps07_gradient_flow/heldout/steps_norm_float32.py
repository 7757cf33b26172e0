"""Takes the norm in float32 and only then converts it to float64 (g.norm().double()), so the squares of tiny gradients underflow to 0 before the conversion."""

MISTAKE = "norm taken in float32 before .double()"
EXPECT = {"lose": ["step_gradient_norms"]}
CELLS = {
    "step_gradient_norms": """def step_gradient_norms(layer, x, weights):
    T = x.size(0)
    state = None
    states = []
    for t in range(T):
        _, state = layer(x[t:t + 1], state)
        if isinstance(layer, nn.LSTM):
            states.append(state[0])
        else:
            states.append(state)
    L = 0
    for t in range(T):
        L = L + weights[t] * states[t].sum()
    grads = torch.autograd.grad(L, states)
    return torch.stack([g.norm().double() for g in grads])
"""
}
