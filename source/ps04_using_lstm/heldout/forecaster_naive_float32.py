"""Builds the naive forecast in a new torch.zeros tensor, which is float32, so float64 windows give a float32 forecast."""

MISTAKE = "naive forecast in float32 instead of x's dtype"
EXPECT = {"lose": ["forecaster"]}
CELLS = {
    "forecaster": '''def naive_multistep(x, horizons):
    """Repeat each window's last value for the next `horizons` steps: (n, window, 1) -> (n, horizons)."""
    n = x.shape[0]
    out = torch.zeros(n, horizons)
    for h in range(horizons):
        out[:, h] = x[:, -1, 0]
    return out


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
