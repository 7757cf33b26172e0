"""Exercise 2, wrong: the attention softmax taken over dim 0 (the batch) instead of the positions."""

EXPECT = {"lose": ["decoder_step"]}
EDITS = {
    "decoder_step": [
        (
            'weights = scores.masked_fill(~real, float("-inf")).softmax(-1)',
            'weights = scores.masked_fill(~real, float("-inf")).softmax(0)',
        )
    ]
}
