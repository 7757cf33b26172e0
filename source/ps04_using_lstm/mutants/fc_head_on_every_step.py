"""Exercise 4, wrong: the linear layer applied to the output at every step of the window, giving
(batch, window, horizons) instead of one forecast per window."""

EXPECT = {"lose": ["forecaster"]}
EDITS = {
    "forecaster": [
        (
            "        _, (h_n, _) = self.lstm(x)\n        return self.head(h_n[-1])",
            "        output, _ = self.lstm(x)\n        return self.head(output)",
        )
    ]
}
