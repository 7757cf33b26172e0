"""Multiplies the gradients by max_norm / (total_norm + 1e-6) every time, also when the norm is already below max_norm, which scales small gradients up."""

MISTAKE = "scales even below max_norm"
EXPECT = {"lose": ["clip_grad_norm"]}
CELLS = {
    "clip_grad_norm": """def clip_grad_norm(parameters, max_norm):
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    params = [p for p in parameters if p.grad is not None]
    if not params:
        return torch.tensor(0.0)
    total = torch.sqrt(sum((p.grad ** 2).sum() for p in params))
    factor = max_norm / (total + 1e-6)
    for p in params:
        p.grad.mul_(factor)
    return total
"""
}
