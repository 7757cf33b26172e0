"""Reads the parameters generator once to compute the norm and again to clip it: the second pass finds the generator exhausted and nothing is clipped."""

MISTAKE = "generator consumed twice"
EXPECT = {"lose": ["clip_grad_norm"]}
CELLS = {
    "clip_grad_norm": """def clip_grad_norm(parameters, max_norm):
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    norms = [p.grad.norm() for p in parameters if p.grad is not None]
    if not norms:
        return torch.tensor(0.0)
    total = torch.stack(norms).norm()
    if total > max_norm:
        for p in parameters:
            if p.grad is not None:
                p.grad.mul_(max_norm / (total + 1e-6))
    return total
"""
}
