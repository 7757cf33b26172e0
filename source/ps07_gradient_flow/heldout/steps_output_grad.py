"""Takes the gradient with respect to output from one full call of the layer: that holds only each step's direct part, not what flows back through the later steps."""

MISTAKE = "gradient of output: direct part only"
EXPECT = {"lose": ["step_gradient_norms"]}
CELLS = {
    "step_gradient_norms": """def step_gradient_norms(layer, x, weights):
    output, _ = layer(x)
    output.retain_grad()
    loss = (weights.view(-1, 1, 1) * output).sum()
    loss.backward()
    return torch.stack([output.grad[t].double().norm() for t in range(x.shape[0])])
"""
}
