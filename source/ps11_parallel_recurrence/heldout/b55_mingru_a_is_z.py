"""Wrong: keeps the old state with z instead of 1 - z (a_t = z_t, b_t = z_t h~_t), mixing up which gate multiplies h_{t-1}."""

MISTAKE = "z used where 1 - z belongs"
EXPECT = {"lose": ["min_gru"]}
CELLS = {
    "min_gru": '''class MinGRU(nn.Module):
    """minGRU: gate and candidate from x_t alone, the recurrence by a log-space scan."""

    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.linear_z = nn.Linear(input_size, hidden_size)
        self.linear_h = nn.Linear(input_size, hidden_size)

    def log_g(self, v):
        return torch.where(v >= 0, torch.log(F.relu(v) + 0.5), -F.softplus(-v))

    def forward(self, x, h0=None):
        log_z = -F.softplus(-self.linear_z(x))
        log_b = log_z + self.log_g(self.linear_h(x))
        log_h0 = None if h0 is None else h0.log()
        log_h = log_scan(log_z, log_b, log_h0)
        h = log_h.exp()
        return h, h[:, -1, :]
'''
}
