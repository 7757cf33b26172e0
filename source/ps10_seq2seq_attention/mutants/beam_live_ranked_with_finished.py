"""Exercise 3, wrong: the live hypotheses ranked together with the finished ones, where they may only fill the places left when fewer than k finished."""

EXPECT = {"lose": ["beam_search_batched"]}
EDITS = {
    "beam_search_batched": [
        (
            "    ranked = sorted(finished, key=per_token)\n    ranked += sorted(live, key=per_token)[: max(0, k - len(ranked))]\n",
            "    ranked = sorted(finished + live, key=per_token)\n",
        )
    ]
}
