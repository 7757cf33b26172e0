"""Exercise 1, wrong: computes in float32 whatever its inputs are (a cast 'to be safe'): float64 inputs
give a float32 log h, off by about 1e-7 and of the wrong dtype."""

INPUT_CLASS = "float64"
EXPECT = {"lose": ["log_scan"], "output_has": "but should have torch.float64"}
EDITS = {
    "log_scan": [
        (
            "    s = torch.cumsum(log_a, dim=1)\n",
            "    log_a, log_b = log_a.float(), log_b.float()\n"
            "    log_h0 = None if log_h0 is None else log_h0.float()\n"
            "    s = torch.cumsum(log_a, dim=1)\n",
        )
    ]
}
