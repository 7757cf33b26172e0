"""Exercise 2, off by one in time: h stored before the step's update, so "h" holds the state at
the start of each step (the initial state first) instead of after it."""

EXPECT = {"lose": ["lstm_all_gates"]}
EDITS = {
    "lstm_all_gates": [
        (
            '            c = f * c + i * g\n            h = o * torch.tanh(c)\n            for name, value in zip("ifgoch", (i, f, g, o, c, h)):\n                steps[name].append(value)',
            '            c = f * c + i * g\n            for name, value in zip("ifgoch", (i, f, g, o, c, h)):\n                steps[name].append(value)\n            h = o * torch.tanh(c)',
        )
    ]
}
