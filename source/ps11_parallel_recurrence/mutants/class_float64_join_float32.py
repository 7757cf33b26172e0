"""Exercise 1, wrong: returns float32 whatever the inputs (a cast 'to be safe'): float64 stretches come
back rounded and of the wrong dtype."""

INPUT_CLASS = "float64"
EXPECT = {"lose": ["log_join"], "output_has": "but should have torch.float64"}
EDITS = {
    "log_join": [
        (
            "    return log_A1 + log_A2, torch.logaddexp(log_A2 + log_B1, log_B2)",
            "    return (log_A1 + log_A2).float(), torch.logaddexp(log_A2 + log_B1, log_B2).float()",
        )
    ]
}
