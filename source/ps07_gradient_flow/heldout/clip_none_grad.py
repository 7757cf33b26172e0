"""Does not skip parameters whose .grad is None: it calls .norm() on every gradient and crashes on a parameter that has none."""

MISTAKE = "None gradients not skipped"
EXPECT = {"lose": ["clip_grad_norm"]}
CELLS = {
    "clip_grad_norm": """def clip_grad_norm(parameters, max_norm):
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    parameters = list(parameters)
    if len(parameters) == 0:
        return torch.tensor(0.0)
    total = torch.stack([p.grad.norm() for p in parameters]).norm()
    if total > max_norm:
        for p in parameters:
            p.grad.mul_(max_norm / (total + 1e-6))
    return total
"""
}
