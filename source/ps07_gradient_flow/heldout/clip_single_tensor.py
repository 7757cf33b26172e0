"""Calls list() on the parameters without treating a single tensor specially: list(tensor) splits it into its rows, whose .grad is None, so a single tensor is never clipped."""

MISTAKE = "single tensor not wrapped in a list"
EXPECT = {"lose": ["clip_grad_norm"]}
CELLS = {
    "clip_grad_norm": """def clip_grad_norm(parameters, max_norm):
    params = list(parameters)
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return torch.tensor(0.0)
    total = torch.stack([g.norm() for g in grads]).norm()
    if total > max_norm:
        coef = max_norm / (total + 1e-6)
        for g in grads:
            g.mul_(coef)
    return total
"""
}
