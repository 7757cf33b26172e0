"""For an LSTM collects the cell state c (state[1]) instead of the hidden state h, so both the loss and the gradients are taken with respect to the wrong state."""

MISTAKE = "LSTM: cell state used instead of hidden state"
EXPECT = {"lose": ["step_gradient_norms"]}
CELLS = {
    "step_gradient_norms": """def step_gradient_norms(layer, x, weights):
    state = None
    collected = []
    for t in range(len(x)):
        out, state = layer(x[t:t + 1], state)
        if isinstance(state, tuple):
            collected.append(state[1])
        else:
            collected.append(state)
    loss = torch.stack([weights[t] * collected[t].sum() for t in range(len(x))]).sum()
    grads = torch.autograd.grad(loss, collected)
    return torch.stack([g.double().norm() for g in grads])
"""
}
