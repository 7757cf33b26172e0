"""Writes log(e^u + e^v) as v + log1p(e^(u - v)), which overflows when u - v is large (log B near 800 then near -800)."""

MISTAKE = "unstable log1p(exp(u - v)) form"
EXPECT = {"lose": ["log_join"]}
CELLS = {
    "log_join": '''def log_join(earlier, later):
    """(log A, log B) of the stretch `earlier` then `later`, each a pair (log A, log B) of one shape."""

    log_a1, log_b1 = earlier
    log_a2, log_b2 = later
    carried = log_a2 + log_b1
    return log_a1 + log_a2, log_b2 + torch.log1p(torch.exp(carried - log_b2))
'''
}
