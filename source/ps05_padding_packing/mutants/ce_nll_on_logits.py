"""Exercise 3, wrong: nll_loss on the raw logits, without log_softmax: the loss is minus the
right class's logit."""

EXPECT = {"lose": ["masked_cross_entropy"]}
EDITS = {"masked_cross_entropy": [("nn.functional.cross_entropy(", "nn.functional.nll_loss(")]}
