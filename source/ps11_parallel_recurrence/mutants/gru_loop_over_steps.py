"""Exercise 2, wrong by its rule: the right minGRU, but one step after the other in a Python loop, as
one would write a GRU (and as generation does, one token at a time). The tests count its torch
operations: more with every step."""

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
        h = torch.zeros_like(z[:, 0]) if h0 is None else h0
        states = []
        for t in range(x.shape[1]):
            h = (1 - z[:, t]) * h + z[:, t] * h_tilde[:, t]
            states.append(h)
        h = torch.stack(states, dim=1)
        return h, h[:, -1]
"""
}
