"""Reads output[-1] from a batch-first LSTM, which is the last window at every step, not every window's last step."""

MISTAKE = "output[-1] with batch_first (last sequence, not last step)"
EXPECT = {"lose": ["forecaster"]}
CELLS = {
    "forecaster": '''def naive_multistep(x, horizons):
    """Repeat each window's last value for the next `horizons` steps: (n, window, 1) -> (n, horizons)."""
    return x[:, -1].repeat(1, horizons)


class MultiStepForecaster(nn.Module):
    def __init__(self, horizons, hidden_size=32):
        super().__init__()
        self.lstm = nn.LSTM(1, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, horizons)

    def forward(self, x):
        output, _ = self.lstm(x)
        return self.head(output[-1])
'''
}
