"""Exercise 3, wrong: every row of new_states passed on, also for the hypotheses that were dropped, so the states no longer line up with the hypotheses."""

EXPECT = {"lose": ["beam_search_batched"]}
EDITS = {
    "beam_search_batched": [
        (
            "        states = new_states[[row for _, _, row in kept]]  # each kept hypothesis continues from its parent's row\n",
            "        states = new_states\n",
        )
    ]
}
