"""Exercise 4, right, written differently: the forward pass left to nn.RNN itself (the given weights
copied into it, under torch.no_grad()), the backward pass by hand, step by step, with the gradient
for h_(t-1) kept as the running quantity instead of delta."""

EXPECT = {"full": True}
CELLS = {
    "rnn_backward": """
def rnn_backward(x, h0, W_ih, W_hh, b_ih, b_hh, grad_output):
    layer = nn.RNN(x.shape[2], h0.shape[1], dtype=x.dtype)
    with torch.no_grad():
        for p, value in zip((layer.weight_ih_l0, layer.weight_hh_l0, layer.bias_ih_l0, layer.bias_hh_l0),
                            (W_ih, W_hh, b_ih, b_hh)):
            p.copy_(value)
        output, _ = layer(x, h0.unsqueeze(0))
    grads = {"x": [], "W_ih": 0 * W_ih, "W_hh": 0 * W_hh, "b": 0 * b_ih}
    grad_h = grad_output[-1]                             # dL/dh_T: its own part only
    for t in range(x.shape[0] - 1, -1, -1):
        read = output[t - 1] if t > 0 else h0
        dz = grad_h * (1 - output[t] ** 2)
        grads["x"].insert(0, dz @ W_ih)
        grads["W_ih"] = grads["W_ih"] + dz.T @ x[t]
        grads["W_hh"] = grads["W_hh"] + dz.T @ read
        grads["b"] = grads["b"] + dz.sum(dim=0)
        grad_h = dz @ W_hh + (grad_output[t - 1] if t > 0 else 0)
    return {"x": torch.stack(grads["x"]), "h0": grad_h, "W_ih": grads["W_ih"], "W_hh": grads["W_hh"],
            "b_ih": grads["b"], "b_hh": grads["b"].clone()}
"""
}
