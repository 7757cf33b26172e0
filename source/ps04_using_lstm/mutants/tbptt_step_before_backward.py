"""Exercise 2: optimizer.step() called before loss.backward(): the step finds the gradients
zero_grad has just cleared, so no weight ever changes (each chunk's gradients are computed
after its step and cleared before the next)."""

EXPECT = {"lose": ["train_tbptt"]}
EDITS = {
    "train_tbptt": [
        ("        loss.backward()\n        optimizer.step()\n", "        optimizer.step()\n        loss.backward()\n")
    ]
}
