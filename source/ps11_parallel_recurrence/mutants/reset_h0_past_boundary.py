"""Exercise 2, wrong: decays h0 by the cumulative sum of log a with the boundaries' -inf replaced by 0,
so h0 fades but is never wiped out: it leaks into every document after a row's first boundary."""

EXPECT = {"lose": ["reset_scan"]}
EDITS = {
    "reset_scan": [
        (
            "torch.logaddexp(log_A + log_h0.unsqueeze(1), log_B)",
            "torch.logaddexp(torch.cumsum(log_a.masked_fill(torch.isneginf(log_a), 0.0), dim=1)"
            " + log_h0.unsqueeze(1), log_B)",
        )
    ]
}
