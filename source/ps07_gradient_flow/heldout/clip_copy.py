"""Scales a rebound local variable (g = g * coef) instead of the gradients themselves, so the parameters' gradients are never clipped."""

MISTAKE = "clips a copy, not the gradients"
EXPECT = {"lose": ["clip_grad_norm"]}
CELLS = {
    "clip_grad_norm": """def clip_grad_norm(parameters, max_norm):
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    if len(grads) == 0:
        return torch.tensor(0.0)
    total_norm = torch.stack([g.norm() for g in grads]).norm()
    if total_norm > max_norm:
        scale = max_norm / (total_norm + 1e-6)
        for g in grads:
            g = g * scale
    return total_norm
"""
}
