"""Right: writes the log-space scan out again inside forward (cumsum, logcumsumexp, h0 prepended as step 0), with logsigmoid for the gate and a clamped log for the candidate."""

MISTAKE = ""
EXPECT = {"full": True}
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
        log_a = F.logsigmoid(-k)                       # log(1 - z)
        log_z = F.logsigmoid(k)                        # log z
        log_cand = torch.where(v < 0, F.logsigmoid(v), torch.log(v.clamp(min=0) + 0.5))
        log_b = log_z + log_cand
        s = torch.cumsum(log_a, dim=1)
        terms = log_b - s
        if h0 is not None:
            terms = torch.cat((torch.log(h0).unsqueeze(1), terms), dim=1)
            log_h = s + torch.logcumsumexp(terms, dim=1)[:, 1:]
        else:
            log_h = s + torch.logcumsumexp(terms, dim=1)
        h = log_h.exp()
        h_last = h[:, h.shape[1] - 1, :]
        return h, h_last
'''
}
