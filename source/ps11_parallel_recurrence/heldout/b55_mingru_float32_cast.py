"""Wrong: casts x and h0 to float32 with .float() "to match the weights", so a float64 layer fails or float64 results come back as float32."""

MISTAKE = "float32 cast of the inputs"
EXPECT = {"lose": ["min_gru"]}
CELLS = {
    "min_gru": '''class MinGRU(nn.Module):
    """minGRU: gate and candidate from x_t alone, the recurrence by a log-space scan."""

    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.linear_z = nn.Linear(input_size, hidden_size)
        self.linear_h = nn.Linear(input_size, hidden_size)

    def forward(self, x, h0=None):
        x = x.float()
        k = self.linear_z(x)
        v = self.linear_h(x)
        log_z = -F.softplus(-k)
        log_a = -F.softplus(k)
        log_hh = torch.where(v >= 0, torch.log(F.relu(v) + 0.5), -F.softplus(-v))
        log_h0 = torch.log(h0.float()) if h0 is not None else None
        h = torch.exp(log_scan(log_a, log_z + log_hh, log_h0))
        return h, h[:, -1]
'''
}
