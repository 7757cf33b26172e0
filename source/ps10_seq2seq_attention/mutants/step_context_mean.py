"""Exercise 2, wrong: the context averaged over the S positions (mean) instead of summed: the
weights already add up to 1, so the mean divides it by S once more."""

EXPECT = {"lose": ["decoder_step"]}
EDITS = {
    "decoder_step": [
        ("context = (weights.unsqueeze(-1) * enc_out).sum(1)", "context = (weights.unsqueeze(-1) * enc_out).mean(1)")
    ]
}
