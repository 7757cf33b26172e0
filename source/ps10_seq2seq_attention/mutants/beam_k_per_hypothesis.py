"""Exercise 3, wrong: keeps the k best extensions of each hypothesis, not the k best of all
extensions together, so the beam grows to k * k hypotheses."""

EXPECT = {"lose": ["beam_search"]}
EDITS = {
    "beam_search": [
        (
            "            for v, lp in enumerate(logp.tolist()):\n"
            "                extensions.append((tokens + [v], score + lp, new_state))\n"
            "        extensions.sort(key=lambda e: (-e[1], e[0]))\n"
            "        kept = extensions[:k]\n",
            "            own = sorted(((tokens + [v], score + lp, new_state) for v, lp in enumerate(logp.tolist())),\n"
            "                         key=lambda e: (-e[1], e[0]))\n"
            "            extensions += own[:k]\n"
            "        kept = extensions\n",
        )
    ]
}
