"""The naive forecast keeps the feature dimension: x[:, -1:] expanded gives shape (n, horizons, 1) instead of (n, horizons)."""

MISTAKE = "naive forecast of shape (n, horizons, 1)"
EXPECT = {"lose": ["forecaster"]}
CELLS = {
    "forecaster": '''def naive_multistep(x, horizons):
    """Repeat each window's last value for the next `horizons` steps: (n, window, 1) -> (n, horizons)."""
    return x[:, -1:].expand(-1, horizons, -1)


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
