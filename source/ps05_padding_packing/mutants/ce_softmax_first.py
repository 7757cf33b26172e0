"""Exercise 3, wrong: softmax applied to the logits before cross_entropy, which applies its own
log-softmax: probabilities given where logits are expected."""

EXPECT = {"lose": ["masked_cross_entropy"]}
EDITS = {
    "masked_cross_entropy": [
        ("logits.reshape(steps * batch, classes)", "logits.softmax(dim=-1).reshape(steps * batch, classes)")
    ]
}
