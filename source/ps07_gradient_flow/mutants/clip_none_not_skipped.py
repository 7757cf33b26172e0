"""Exercise 2, wrong: a parameter whose .grad is None is not skipped, so the norm fails on it."""

EXPECT = {"lose": ["clip_grad_norm"]}
EDITS = {
    "clip_grad_norm": [
        ("grads = [p.grad for p in parameters if p.grad is not None]", "grads = [p.grad for p in parameters]")
    ]
}
