"""Exercise 1, right, written differently: the Hillis and Steele scan in log space. At each of
ceil(log2 T) levels, step t composes what it holds with what step t - span holds (logaddexp for the
sums, + for the products), so step t ends with log A_t and log B_t, h_t = A_t h0 + B_t. Its number
of torch operations grows like log2 T, which the rule allows."""

EXPECT = {"full": True}
CELLS = {
    "log_scan": """
def log_scan(log_a, log_b, log_h0=None):
    log_A, log_B = log_a, log_b
    span = 1
    while span < log_a.shape[1]:
        later_A, later_B = log_A[:, span:], log_B[:, span:]
        earlier_A, earlier_B = log_A[:, :-span], log_B[:, :-span]
        log_A = torch.cat([log_A[:, :span], later_A + earlier_A], dim=1)
        log_B = torch.cat([log_B[:, :span], torch.logaddexp(later_A + earlier_B, later_B)], dim=1)
        span *= 2
    if log_h0 is None:
        return log_B
    return torch.logaddexp(log_A + log_h0.unsqueeze(1), log_B)
"""
}
