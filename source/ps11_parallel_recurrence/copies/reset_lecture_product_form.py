"""Copy detector, exercise 2: the closed form the lecture tries first in its pitfall (section 2, a
cumulative product and a cumulative sum), on the exercise's a and b with the h0 term added. A boundary
makes the product 0 at once, so b / A is infinite from there on: it must lose."""

COPY = {"lecture": "11_parallel_recurrence", "find": "naive = A * torch.cumsum(b_long / A, dim=1)"}
EXPECT = {"lose": ["reset_scan"]}
CELLS = {
    "reset_scan": r"""
_LECTURE = r'''{lecture}'''


def reset_scan(log_a, log_b, log_h0=None):
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
