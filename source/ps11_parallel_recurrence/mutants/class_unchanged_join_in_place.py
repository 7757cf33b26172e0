"""Exercise 1, wrong: accumulates the joined log A into the earlier stretch's own tensor (+=), so the
caller's earlier stretch is changed; the values returned are right."""

INPUT_CLASS = "unchanged"
EXPECT = {"lose": ["log_join"], "output_has": "log_join changed its input log_A1"}
EDITS = {
    "log_join": [
        (
            "    return log_A1 + log_A2, torch.logaddexp(log_A2 + log_B1, log_B2)",
            "    log_B = torch.logaddexp(log_A2 + log_B1, log_B2)\n    log_A1 += log_A2\n    return log_A1, log_B",
        )
    ]
}
