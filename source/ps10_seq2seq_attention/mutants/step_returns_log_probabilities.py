"""Exercise 2, wrong: returns log_softmax of the output layer (log-probabilities) instead of its logits."""

EXPECT = {"lose": ["decoder_step"]}
EDITS = {
    "decoder_step": [
        ("    return logits, (h_new, c_new), weights", "    return logits.log_softmax(-1), (h_new, c_new), weights")
    ]
}
