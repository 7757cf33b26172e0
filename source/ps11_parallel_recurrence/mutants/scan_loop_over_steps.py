"""Exercise 1, wrong by its rule: right values in log space, but one step after the other in a Python
loop (logaddexp per step). The tests count its torch operations: one more with every step."""

EXPECT = {"lose": ["log_scan"]}
CELLS = {
    "log_scan": """
def log_scan(log_a, log_b, log_h0=None):
    steps = []
    log_h = None if log_h0 is None else log_h0
    for t in range(log_a.shape[1]):
        log_h = log_b[:, t] if log_h is None else torch.logaddexp(log_a[:, t] + log_h, log_b[:, t])
        steps.append(log_h)
    return torch.stack(steps, dim=1)
"""
}
