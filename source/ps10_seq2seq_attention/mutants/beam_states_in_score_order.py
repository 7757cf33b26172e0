"""Exercise 3, wrong: the next step's states gathered in the order of the scores while the hypotheses are passed in the order of their tokens, so a hypothesis can continue from another's state."""

EXPECT = {"lose": ["beam_search_batched"]}
EDITS = {
    "beam_search_batched": [
        (
            "        states = new_states[[row for _, _, row in kept]]  # each kept hypothesis continues from its parent's row\n",
            "        states = new_states[[j // V for j in best if j % V != eos]]\n",
        )
    ]
}
