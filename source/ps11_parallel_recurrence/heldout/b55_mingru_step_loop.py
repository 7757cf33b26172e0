"""Wrong: right values, but it runs the recurrence h = (1 - z) h + z g(v) in a Python loop over the steps instead of a log-space scan."""

MISTAKE = "Python loop over the steps instead of the scan"
EXPECT = {"lose": ["min_gru"]}
CELLS = {
    "min_gru": '''class MinGRU(nn.Module):
    """minGRU: gate and candidate from x_t alone, the recurrence by a log-space scan."""

    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.hidden_size = hidden_size
        self.linear_z = nn.Linear(input_size, hidden_size)
        self.linear_h = nn.Linear(input_size, hidden_size)

    def forward(self, x, h0=None):
        z = torch.sigmoid(self.linear_z(x))
        v = self.linear_h(x)
        h_tilde = torch.where(v >= 0, v + 0.5, torch.sigmoid(v))
        if h0 is None:
            h = x.new_zeros(x.shape[0], self.hidden_size)
        else:
            h = h0
        outputs = []
        for t in range(x.shape[1]):
            h = (1 - z[:, t]) * h + z[:, t] * h_tilde[:, t]
            outputs.append(h)
        hs = torch.stack(outputs, dim=1)
        return hs, h
'''
}
