"""Exercise 2, wrong: an empty training or test set made with torch.zeros, which is float32: right
for float32 series, but a float64 series with test_size 0 (or no window left for training) gets a
float32 empty set."""

EXPECT = {"lose": ["chronological_split"]}
EDITS = {
    "chronological_split": [
        (
            "    return inputs[:end], targets[:end], inputs[start:], targets[start:]",
            "    if test_size == 0:\n"
            "        return inputs[:end], targets[:end], torch.zeros(0, window, 1), torch.zeros(0)\n"
            "    if end == 0:\n"
            "        return torch.zeros(0, window, 1), torch.zeros(0), inputs[start:], targets[start:]\n"
            "    return inputs[:end], targets[:end], inputs[start:], targets[start:]",
        )
    ]
}
