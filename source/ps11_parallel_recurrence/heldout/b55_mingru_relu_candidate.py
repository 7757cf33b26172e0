"""Wrong: takes log g(v) = log(relu(v) + 1/2) for every v, so below 0 the candidate is the constant 1/2 instead of sigmoid(v)."""

MISTAKE = "g replaced by relu(v) + 1/2"
EXPECT = {"lose": ["min_gru"]}
CELLS = {
    "min_gru": '''class MinGRU(nn.Module):
    """minGRU: gate and candidate from x_t alone, the recurrence by a log-space scan."""

    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.linear_z = nn.Linear(input_size, hidden_size)
        self.linear_h = nn.Linear(input_size, hidden_size)

    def forward(self, x, h0=None):
        pre_z = self.linear_z(x)
        pre_h = self.linear_h(x)
        log_z = -F.softplus(-pre_z)
        log_a = -F.softplus(pre_z)
        log_htilde = torch.log(F.relu(pre_h) + 0.5)       # g is positive: v + 1/2
        log_h0 = torch.log(h0) if h0 is not None else None
        log_h = log_scan(log_a, log_z + log_htilde, log_h0)
        h = torch.exp(log_h)
        return h, h[:, -1]
'''
}
