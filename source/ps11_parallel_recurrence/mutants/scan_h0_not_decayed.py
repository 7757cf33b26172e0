"""Exercise 1, wrong: adds h0 to the result as it is, outside the s_t factor, so h0 is never multiplied by
a_1 ... a_t: it stays in full at every step instead of fading with the decays."""

EXPECT = {"lose": ["log_scan"]}
EDITS = {
    "log_scan": [
        (
            """    if log_h0 is not None:
        inner = torch.logaddexp(inner, log_h0.unsqueeze(1))
    return s + inner""",
            """    if log_h0 is not None:
        return torch.logaddexp(s + inner, log_h0.unsqueeze(1))
    return s + inner""",
        )
    ]
}
