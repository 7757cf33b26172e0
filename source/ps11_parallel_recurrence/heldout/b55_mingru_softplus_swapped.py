"""Wrong: swaps the softplus signs, log z = -softplus(k) and log(1 - z) = -softplus(-k), so the gate acts as 1 - z (invisible when k = 0 and z = 1/2)."""

MISTAKE = "softplus signs swapped (z and 1 - z exchanged)"
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
        log_z = -F.softplus(k)
        log_1_minus_z = -F.softplus(-k)
        v = self.linear_h(x)
        log_h_tilde = torch.where(v >= 0, torch.log(F.relu(v) + 0.5), -F.softplus(-v))
        log_h0 = torch.log(h0) if h0 is not None else None
        h = torch.exp(log_scan(log_1_minus_z, log_z + log_h_tilde, log_h0))
        return h, h[:, -1]
'''
}
