"""Exercise 2, wrong: the two softplus signs swapped, so log z gets log(1 - z) and the other way round:
the state keeps z of the old h and takes only 1 - z of the candidate."""

EXPECT = {"lose": ["min_gru"]}
EDITS = {
    "min_gru": [
        (
            "        log_z = -F.softplus(-k)\n        log_one_minus_z = -F.softplus(k)\n",
            "        log_z = -F.softplus(k)\n        log_one_minus_z = -F.softplus(-k)\n",
        )
    ]
}
