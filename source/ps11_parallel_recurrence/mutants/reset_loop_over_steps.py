"""Exercise 2, wrong by its rule: right values, in log space, one step after the other in a Python loop.
The tests count its torch operations: one more (at least) with every step."""

EXPECT = {"lose": ["reset_scan"]}
CELLS = {
    "reset_scan": """
def reset_scan(log_a, log_b, log_h0=None):
    steps = []
    log_h = log_h0
    for t in range(log_a.shape[1]):
        log_h = log_b[:, t] if log_h is None else torch.logaddexp(log_a[:, t] + log_h, log_b[:, t])
        steps.append(log_h)
    return torch.stack(steps, dim=1)
"""
}
