"""A right answer, written with a hand-made log-sum-exp that shifts by the larger term (log B of later is finite, so the shift is)."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "log_join": '''def log_join(earlier, later):
    """(log A, log B) of the stretch `earlier` then `later`, each a pair (log A, log B) of one shape."""

    log_a1, log_b1 = earlier
    log_a2, log_b2 = later
    carried = log_a2 + log_b1          # log(A2 B1), -inf when the later stretch forgets
    shift = torch.maximum(carried, log_b2)
    log_b = shift + torch.log(torch.exp(carried - shift) + torch.exp(log_b2 - shift))
    return log_a1 + log_a2, log_b
'''
}
