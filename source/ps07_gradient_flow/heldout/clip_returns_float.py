"""Returns the total norm as a Python float (.item()) instead of a 0-dimensional tensor."""

MISTAKE = "returns a float, not a 0-d tensor"
EXPECT = {"lose": ["clip_grad_norm"]}
CELLS = {
    "clip_grad_norm": """def clip_grad_norm(parameters, max_norm):
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return 0.0
    total = torch.stack([g.norm() for g in grads]).norm().item()
    if total > max_norm:
        c = max_norm / (total + 1e-6)
        for g in grads:
            g.mul_(c)
    return total
"""
}
