"""Exercise 3, wrong: model.children() instead of model.modules(): the model itself and the
modules nested deeper are never looked at."""

EXPECT = {"lose": ["init_forget_gates"]}
EDITS = {"init_forget_gates": [("for module in model.modules():", "for module in model.children():")]}
