"""Exercise 4, wrong: the final cell state c_n fed to the linear layer instead of the final hidden
state h_n (the pair unpacked the wrong way round)."""

EXPECT = {"lose": ["forecaster"]}
EDITS = {"forecaster": [("        _, (h_n, _) = self.lstm(x)", "        _, (_, h_n) = self.lstm(x)")]}
