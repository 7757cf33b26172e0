"""Wrong: returns the scan's output, log h, as the states, forgetting the final exp."""

MISTAKE = "returns log h instead of h"
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
        log_z, log_not_z = -F.softplus(-k), -F.softplus(k)
        log_g = torch.where(v >= 0, torch.log(F.relu(v) + 0.5), -F.softplus(-v))
        h = log_scan(log_not_z, log_z + log_g, None if h0 is None else torch.log(h0))
        return h, h[:, -1]
'''
}
