"""Wrong: h is right, but h_last is detached ("the carried state should not backpropagate", a truncated-BPTT habit), so no gradient flows through the last state to x, h0 or the weights."""

MISTAKE = "h_last detached from the graph"
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
        log_z = -F.softplus(-k)
        log_one_minus_z = -F.softplus(k)
        log_g = torch.where(v >= 0, torch.log(F.relu(v) + 0.5), -F.softplus(-v))
        if h0 is None:
            log_h = log_scan(log_one_minus_z, log_z + log_g)
        else:
            log_h = log_scan(log_one_minus_z, log_z + log_g, torch.log(h0))
        h = torch.exp(log_h)
        h_last = h[:, -1].detach()       # the state handed to the next call
        return h, h_last
'''
}
