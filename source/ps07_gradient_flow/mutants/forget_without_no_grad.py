"""Exercise 3, wrong: the in-place writes not under torch.no_grad(): autograd refuses an in-place
change of a leaf that requires a gradient."""

EXPECT = {"lose": ["init_forget_gates"]}
EDITS = {
    "init_forget_gates": [
        (
            "    with torch.no_grad():\n        for module in model.modules():",
            "    if True:\n        for module in model.modules():",
        )
    ]
}
