"""Exercise 2, wrong: the attention weights detached from the graph (as if they were only for
display), so no gradient reaches the previous h through the query; the values are right."""

EXPECT = {"lose": ["decoder_step_hidden"]}
EDITS = {
    "decoder_step": [
        (
            'weights = scores.masked_fill(~real, float("-inf")).softmax(-1)',
            'weights = scores.masked_fill(~real, float("-inf")).softmax(-1).detach()',
        )
    ]
}
