"""Keeps the lecture's head with one output and copies that single number to all horizons, so the model cannot forecast different values for the three years."""

MISTAKE = "one output repeated for every horizon instead of Linear(hidden, horizons)"
EXPECT = {"lose": ["forecaster"]}
CELLS = {
    "forecaster": '''def naive_multistep(x, horizons):
    """Repeat each window's last value for the next `horizons` steps: (n, window, 1) -> (n, horizons)."""
    return x[:, -1].repeat(1, horizons)


class MultiStepForecaster(nn.Module):
    def __init__(self, horizons, hidden_size=32):
        super().__init__()
        self.lstm = nn.LSTM(1, hidden_size, batch_first=True)
        self.horizons = horizons
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        return self.head(h_n[-1]).expand(-1, self.horizons)
'''
}
