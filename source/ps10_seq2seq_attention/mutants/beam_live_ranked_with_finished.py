"""Exercise 3, wrong: the live hypotheses ranked together with the finished ones, where they may
only fill the places left when fewer than k finished."""

EXPECT = {"lose": ["beam_search"]}
EDITS = {
    "beam_search": [
        (
            "    ranked = sorted(finished, key=lambda h: (-h[1] / len(h[0]), h[0]))\n"
            "    if len(ranked) < k:\n"
            "        rest = sorted(((t, s) for t, s, _ in live), key=lambda h: (-h[1] / len(h[0]), h[0]))\n"
            "        ranked += rest[:k - len(ranked)]\n",
            "    ranked = sorted(finished + [(t, s) for t, s, _ in live], key=lambda h: (-h[1] / len(h[0]), h[0]))\n",
        )
    ]
}
