"""Exercise 2, wrong: evaluates the recurrence in linear space from the unrolled formula,
h_t = P_t (h0 + sum_k z_k h~_k / P_k) with P_t = cumprod(1 - z): right on short sequences, NaN once
the product underflows over a long one."""

EXPECT = {"lose": ["min_gru"]}
CELLS = {
    "min_gru": """
class MinGRU(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.linear_z = nn.Linear(input_size, hidden_size)
        self.linear_h = nn.Linear(input_size, hidden_size)

    def forward(self, x, h0=None):
        z = torch.sigmoid(self.linear_z(x))
        v = self.linear_h(x)
        h_tilde = torch.where(v >= 0, v + 0.5, torch.sigmoid(v))
        P = torch.cumprod(1 - z, dim=1)
        total = torch.cumsum(z * h_tilde / P, dim=1)
        if h0 is not None:
            total = total + h0.unsqueeze(1)
        h = P * total
        return h, h[:, -1]
"""
}
