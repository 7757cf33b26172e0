"""Wrong: passes h0 itself to log_scan, which expects log h0, so a given starting state is exp(h0) instead of h0 (invisible when h0 is None)."""

MISTAKE = "h0 passed to the scan without its log"
EXPECT = {"lose": ["min_gru"]}
CELLS = {
    "min_gru": '''class MinGRU(nn.Module):
    """minGRU: gate and candidate from x_t alone, the recurrence by a log-space scan."""

    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.linear_z = nn.Linear(input_size, hidden_size)
        self.linear_h = nn.Linear(input_size, hidden_size)

    def forward(self, x, h0=None):
        k = self.linear_z(x)
        v = self.linear_h(x)
        log_coeffs = -F.softplus(k)
        log_z = -F.softplus(-k)
        log_tilde_h = torch.where(v >= 0, (F.relu(v) + 0.5).log(), -F.softplus(-v))
        log_values = log_z + log_tilde_h
        h = log_scan(log_coeffs, log_values, h0).exp()
        return h, h[:, -1]
'''
}
