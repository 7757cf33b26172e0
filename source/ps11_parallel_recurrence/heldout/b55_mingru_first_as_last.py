"""Wrong: returns h[:, 0], the state after the first step, as h_last instead of the state after the last step (right only when seq_len = 1)."""

MISTAKE = "h[:, 0] returned as the last state"
EXPECT = {"lose": ["min_gru"]}
CELLS = {
    "min_gru": '''class MinGRU(nn.Module):
    """minGRU: gate and candidate from x_t alone, the recurrence by a log-space scan."""

    def __init__(self, input_size, hidden_size):
        super(MinGRU, self).__init__()
        self.linear_z = nn.Linear(input_size, hidden_size)
        self.linear_h = nn.Linear(input_size, hidden_size)

    def forward(self, x, h0=None):
        gate = self.linear_z(x)
        cand = self.linear_h(x)
        log_a = -F.softplus(gate)
        log_b = -F.softplus(-gate) + torch.where(cand >= 0, torch.log(F.relu(cand) + 0.5), -F.softplus(-cand))
        log_h0 = None if h0 is None else torch.log(h0)
        h = log_scan(log_a, log_b, log_h0).exp()
        h_last = h[:, 0]
        return h, h_last
'''
}
