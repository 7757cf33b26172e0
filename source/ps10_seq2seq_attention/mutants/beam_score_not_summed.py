"""Exercise 3, wrong: an extension's score is the new token's log-probability alone, not the sum over the hypothesis."""

EXPECT = {"lose": ["beam_search_batched"]}
EDITS = {
    "beam_search_batched": [
        (
            "totals = (scores[:, None] + logp.double()).flatten()",
            "totals = (0 * scores[:, None] + logp.double()).flatten()",
        )
    ]
}
