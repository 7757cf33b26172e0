"""Exercise 2, wrong: decays the old state by z_t instead of 1 - z_t (a_t = z_t, b_t = z_t h~_t): the
gate that lets the candidate in also keeps the past, so an open gate keeps both."""

EXPECT = {"lose": ["min_gru"]}
EDITS = {
    "min_gru": [("log_a, log_b = log_one_minus_z, log_z + log_h_tilde", "log_a, log_b = log_z, log_z + log_h_tilde")]
}
