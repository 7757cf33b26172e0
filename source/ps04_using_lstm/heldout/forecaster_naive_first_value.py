"""The naive forecast repeats each window's first value, x[:, 0], instead of its last."""

MISTAKE = "naive forecast repeats the first value of the window"
EXPECT = {"lose": ["forecaster"]}
CELLS = {
    "forecaster": '''def naive_multistep(x, horizons):
    """Repeat each window's last value for the next `horizons` steps: (n, window, 1) -> (n, horizons)."""
    return x[:, 0].repeat(1, horizons)


class MultiStepForecaster(nn.Module):
    def __init__(self, horizons, hidden_size=32):
        super().__init__()
        self.lstm = nn.LSTM(1, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, horizons)

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        return self.head(h_n[-1])
'''
}
