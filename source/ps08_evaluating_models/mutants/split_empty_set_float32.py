"""Exercise 2, wrong: an empty training or test set made with torch.zeros, which is float32: right
for float32 series, but a float64 series with test_size 0 (or all windows for testing) gets a
float32 empty set."""

EXPECT = {"lose": ["chronological_split"]}
EDITS = {
    "chronological_split": [
        (
            "    return inputs[:cut], targets[:cut], inputs[cut:], targets[cut:]",
            "    if cut == len(targets):\n"
            "        return inputs, targets, torch.zeros(0, window, 1), torch.zeros(0)\n"
            "    if cut == 0:\n"
            "        return torch.zeros(0, window, 1), torch.zeros(0), inputs, targets\n"
            "    return inputs[:cut], targets[:cut], inputs[cut:], targets[cut:]",
        )
    ]
}
