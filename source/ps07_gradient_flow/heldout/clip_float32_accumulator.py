"""Accumulates the squared norms into torch.tensor(0.0), a float32 tensor, so float64 gradients give a float32 total norm."""

MISTAKE = "float32 accumulator, dtype of gradients lost"
EXPECT = {"lose": ["clip_grad_norm"]}
CELLS = {
    "clip_grad_norm": """def clip_grad_norm(parameters, max_norm):
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    params = [p for p in parameters if p.grad is not None]
    total = torch.tensor(0.0)
    for p in params:
        total += p.grad.pow(2).sum()
    total = total.sqrt()
    if total > max_norm:
        for p in params:
            p.grad.mul_(max_norm / (total + 1e-6))
    return total
"""
}
