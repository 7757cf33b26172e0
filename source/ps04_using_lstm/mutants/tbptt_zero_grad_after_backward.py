"""Exercise 2: optimizer.zero_grad() placed between backward() and step(): it clears the
gradients the step needs, so no weight ever changes."""

EXPECT = {"lose": ["train_tbptt"]}
EDITS = {
    "train_tbptt": [
        (
            "        optimizer.zero_grad()\n        loss.backward()\n",
            "        loss.backward()\n        optimizer.zero_grad()\n",
        )
    ]
}
