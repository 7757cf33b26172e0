"""Exercise 2, wrong: computes in float32 whatever its inputs are: float64 inputs give a float32 log h,
rounded and of the wrong dtype."""

INPUT_CLASS = "float64"
EXPECT = {"lose": ["reset_scan"], "output_has": "but should have torch.float64"}
EDITS = {
    "reset_scan": [
        (
            "    log_A, log_B = log_a, log_b\n",
            "    log_a, log_b = log_a.float(), log_b.float()\n"
            "    log_h0 = None if log_h0 is None else log_h0.float()\n"
            "    log_A, log_B = log_a, log_b\n",
        )
    ]
}
