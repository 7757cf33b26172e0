"""Library copy of clip_grad_norm: the source of the student package's nearest code pasted as the
answer, renamed to the exercise's name; it must lose points. Nothing in the package clips gradients
by hand; the closest is rnnlab.gradients.norms64, the float64 norms of a list of tensors."""

LIBRARY = {"rnnlab.gradients.norms64": "clip_grad_norm"}
EXPECT = {"lose": ["clip_grad_norm"]}
CELLS = {"clip_grad_norm": "{library}"}
