"""Exercise 2, wrong: b_t = h~_t, the candidate without its gate z_t (log b = log h~ alone): the state
takes the whole candidate at every step and grows instead of staying a weighted average."""

EXPECT = {"lose": ["min_gru"]}
EDITS = {
    "min_gru": [("log_a, log_b = log_one_minus_z, log_z + log_h_tilde", "log_a, log_b = log_one_minus_z, log_h_tilde")]
}
