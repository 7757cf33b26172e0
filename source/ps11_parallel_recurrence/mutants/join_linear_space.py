"""Exercise 1, wrong: leaves log space, joins the stretches as the lecture's combine does on A and B, then
takes logs. Right for moderate values; log B near 800 overflows to inf and near -800 underflows to 0."""

EXPECT = {"lose": ["log_join"]}
EDITS = {
    "log_join": [
        (
            "    return log_A1 + log_A2, torch.logaddexp(log_A2 + log_B1, log_B2)",
            "    A1, B1, A2, B2 = log_A1.exp(), log_B1.exp(), log_A2.exp(), log_B2.exp()\n"
            "    return torch.log(A2 * A1), torch.log(A2 * B1 + B2)",
        )
    ]
}
