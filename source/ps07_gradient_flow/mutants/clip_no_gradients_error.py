"""Exercise 2, wrong: no case for parameters without any gradient: torch.stack of an empty list
raises instead of giving torch.tensor(0.0)."""

EXPECT = {"lose": ["clip_grad_norm"]}
EDITS = {"clip_grad_norm": [("    if not grads:\n        return torch.tensor(0.0)\n", "")]}
