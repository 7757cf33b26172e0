"""Exercise 2, wrong type: the losses collected as the loss tensors themselves (0-d tensors that
still hold their graphs), not as Python floats."""

EXPECT = {"lose": ["train_tbptt"]}
EDITS = {"train_tbptt": [("losses.append(loss.item())", "losses.append(loss)")]}
