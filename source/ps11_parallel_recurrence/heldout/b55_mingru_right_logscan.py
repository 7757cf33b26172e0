"""Right: log z, log(1 - z) by softplus, log g by torch.where with the relu guard, one call of log_scan, then exp; h_last is the last step."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "min_gru": '''class MinGRU(nn.Module):
    """minGRU: gate and candidate from x_t alone, the recurrence by a log-space scan."""

    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.linear_z = nn.Linear(input_size, hidden_size)
        self.linear_h = nn.Linear(input_size, hidden_size)

    @staticmethod
    def log_g(v):
        return torch.where(v >= 0, torch.log(F.relu(v) + 0.5), -F.softplus(-v))

    def forward(self, x, h0=None):
        k = self.linear_z(x)
        log_z = -F.softplus(-k)
        log_one_minus_z = -F.softplus(k)
        log_h_tilde = self.log_g(self.linear_h(x))
        log_h0 = None if h0 is None else torch.log(h0)
        log_h = log_scan(log_one_minus_z, log_z + log_h_tilde, log_h0)
        h = torch.exp(log_h)
        return h, h[:, -1]
'''
}
