"""Exercise 1, wrong: takes the last dimension for time (as if the inputs were (batch, hidden,
seq_len)): both the cumulative sum and the cumulative log-sum-exp run over the hidden units, so each
unit mixes the decays and terms of the units before it at the same step."""

EXPECT = {"lose": ["log_scan"]}
EDITS = {
    "log_scan": [
        (
            "    s = torch.cumsum(log_a, dim=1)\n    inner = torch.logcumsumexp(log_b - s, dim=1)",
            "    s = torch.cumsum(log_a, dim=-1)\n    inner = torch.logcumsumexp(log_b - s, dim=-1)",
        )
    ]
}
