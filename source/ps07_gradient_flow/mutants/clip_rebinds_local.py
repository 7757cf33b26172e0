"""Exercise 2, wrong: the scaled gradient assigned to the loop variable (g = g * coef), which
rebinds a local name and leaves every p.grad as it was."""

EXPECT = {"lose": ["clip_grad_norm"]}
EDITS = {"clip_grad_norm": [("            g.mul_(coef)", "            g = g * coef")]}
