"""Exercise 4, wrong: the linear layer applied to the whole h_n, of shape (num_layers, batch,
hidden_size), so the forecasts keep a layer dimension: (1, batch, horizons)."""

EXPECT = {"lose": ["forecaster"]}
EDITS = {"forecaster": [("        return self.head(h_n[-1])", "        return self.head(h_n)")]}
