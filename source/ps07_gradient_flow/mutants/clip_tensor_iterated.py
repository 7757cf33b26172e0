"""Exercise 2, wrong: a single tensor is not wrapped in a list, so iterating it gives its rows,
which have no .grad: nothing is clipped and the norm is 0."""

EXPECT = {"lose": ["clip_grad_norm"]}
EDITS = {"clip_grad_norm": [("    if isinstance(parameters, torch.Tensor):\n        parameters = [parameters]\n", "")]}
