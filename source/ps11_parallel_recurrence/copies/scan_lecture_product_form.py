"""Copy detector, exercise 1: the closed form the lecture tries first in its pitfall (section 2,
a cumulative product and a cumulative sum), wrapped into the exercise's signature with the h0
term added. The lecture shows that it turns into NaN once the product underflows; the exercise's
long sequences must make it lose."""

COPY = {"lecture": "11_parallel_recurrence", "find": "naive = A * torch.cumsum(b_long / A, dim=1)"}
EXPECT = {"lose": ["log_scan"]}
CELLS = {
    "log_scan": r"""
_LECTURE = r'''{lecture}'''


def log_scan(log_a, log_b, log_h0=None):
    # the lecture's cell on the exercise's a and b (its print lines, and its own log form, dropped)
    lines = [line for line in _LECTURE.splitlines()
             if line.startswith(("A = ", "naive = "))]
    scope = {"torch": torch, "a_long": log_a.exp(), "b_long": log_b.exp()}
    exec("\n".join(lines), scope)
    h = scope["naive"]
    if log_h0 is not None:
        h = h + scope["A"] * log_h0.exp().unsqueeze(1)
    return h.log()
"""
}
