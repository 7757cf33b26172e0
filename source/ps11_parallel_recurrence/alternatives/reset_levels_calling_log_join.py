"""Exercise 2, right, written differently: the Hillis and Steele levels with exercise 1's log_join doing
each level's joins, h0 joined in front as one more stretch (A = 1, B = h0) at the end."""

EXPECT = {"full": True}
CELLS = {
    "reset_scan": """
def reset_scan(log_a, log_b, log_h0=None):
    T = log_a.shape[1]
    stretch = (log_a, log_b)
    shift = 1
    while shift < T:
        joined = log_join((stretch[0][:, :T - shift], stretch[1][:, :T - shift]),
                          (stretch[0][:, shift:], stretch[1][:, shift:]))
        stretch = tuple(torch.cat([s[:, :shift], j], dim=1) for s, j in zip(stretch, joined))
        shift *= 2
    if log_h0 is None:
        return stretch[1]
    start = log_h0.unsqueeze(1).expand_as(log_b)
    return log_join((torch.zeros_like(start), start), stretch)[1]
"""
}
