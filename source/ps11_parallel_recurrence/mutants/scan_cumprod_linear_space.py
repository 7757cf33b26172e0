"""Exercise 1, wrong: leaves log space for the unrolled formula h_t = P_t (h0 + sum_k b_k / P_k) with
P_t = cumprod(a). Right on short sequences; over a few hundred steps P_t underflows to 0 (in float32
first), b_k / P_k overflows, and the result is NaN or infinite."""

EXPECT = {"lose": ["log_scan"]}
CELLS = {
    "log_scan": """
def log_scan(log_a, log_b, log_h0=None):
    P = torch.cumprod(log_a.exp(), dim=1)
    total = torch.cumsum(log_b.exp() / P, dim=1)
    if log_h0 is not None:
        total = total + log_h0.exp().unsqueeze(1)
    return torch.log(P * total)
"""
}
