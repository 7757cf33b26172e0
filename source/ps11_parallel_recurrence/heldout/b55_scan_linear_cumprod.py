"""Wrong: leaves log space, forming h_t = A_t (h0 + cumsum(b / A)) with cumprod and cumsum; the product underflows on long sequences and the result turns into NaN/inf."""

MISTAKE = "cumprod/cumsum in linear space (underflow)"
EXPECT = {"lose": ["log_scan"]}
CELLS = {
    "log_scan": '''def log_scan(log_a, log_b, log_h0=None):
    """log h for h_t = a_t * h_{t-1} + b_t, from log a, log b (batch, seq_len, hidden) and log h0
    (batch, hidden) or None (h0 = 0), with no loop over the steps."""
    a = torch.exp(log_a)
    b = torch.exp(log_b)
    A = torch.cumprod(a, dim=1)                  # a_1 * ... * a_t
    inner = torch.cumsum(b / A, dim=1)           # sum of b_k / A_k
    if log_h0 is not None:
        inner = inner + torch.exp(log_h0).unsqueeze(1)
    h = A * inner
    return torch.log(h)
'''
}
