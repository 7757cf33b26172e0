"""A correct answer: step the layer one step at a time, keep every h, build the weighted loss and take autograd.grad with respect to all the states, norms in float64."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "step_gradient_norms": '''def step_gradient_norms(layer, x, weights):
    """||dL/dh_t|| for every step of a one-layer nn.RNN, nn.GRU or nn.LSTM, where
    L = sum over t of weights[t] * (sum of h_t)."""
    state = None
    hs = []
    for t in range(x.shape[0]):
        _, state = layer(x[t:t + 1], state)
        h = state[0] if isinstance(state, tuple) else state
        hs.append(h)
    loss = sum(weights[t] * hs[t].sum() for t in range(len(hs)))
    grads = torch.autograd.grad(loss, hs)
    return torch.stack([g.double().norm() for g in grads])
'''
}
