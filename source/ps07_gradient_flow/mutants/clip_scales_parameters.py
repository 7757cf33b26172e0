"""Exercise 2, wrong: the parameters themselves multiplied by the factor instead of their
gradients."""

EXPECT = {"lose": ["clip_grad_norm"]}
EDITS = {
    "clip_grad_norm": [
        (
            "    grads = [p.grad for p in parameters if p.grad is not None]\n",
            "    parameters = [p for p in parameters if p.grad is not None]\n"
            "    grads = [p.grad for p in parameters]\n",
        ),
        (
            "        for g in grads:\n            g.mul_(coef)",
            "        with torch.no_grad():\n            for p in parameters:\n                p.mul_(coef)",
        ),
    ]
}
