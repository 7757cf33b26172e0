"""Exercise 3, wrong: model.children() instead of model.modules(): the model itself and the
modules nested deeper are never looked at."""

EXPECT = {"lose": ["set_forget_bias_hidden"]}
EDITS = {"set_forget_bias": [("for module in model.modules():", "for module in model.children():")]}
