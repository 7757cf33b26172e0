"""A correct answer: list the parameters, skip missing gradients, total 2-norm of the separate norms, scale in place only above max_norm, return the norm before clipping."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "clip_grad_norm": '''def clip_grad_norm(parameters, max_norm):
    """Clip the gradients of `parameters` in place to a total 2-norm of `max_norm`; return the
    total norm before clipping, exactly as torch.nn.utils.clip_grad_norm_ does."""
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return torch.tensor(0.0)
    total = torch.stack([g.norm() for g in grads]).norm()
    if total > max_norm:
        coef = max_norm / (total + 1e-6)
        for g in grads:
            g.mul_(coef)
    return total
'''
}
