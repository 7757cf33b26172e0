"""Exercise 3, wrong: the rows of new_states kept where they are (the first rows for the kept hypotheses), not taken from each hypothesis's parent."""

EXPECT = {"lose": ["beam_search_batched"]}
EDITS = {
    "beam_search_batched": [
        (
            "        states = new_states[[row for _, _, row in kept]]  # each kept hypothesis continues from its parent's row\n",
            "        states = new_states[: len(live)]\n",
        )
    ]
}
