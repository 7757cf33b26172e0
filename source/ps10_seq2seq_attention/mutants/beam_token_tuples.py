"""Exercise 3, wrong type: each hypothesis's tokens returned as a tuple instead of a list of ints;
the tokens and scores are right."""

EXPECT = {"lose": ["beam_search"]}
EDITS = {
    "beam_search": [
        (
            "    return [(list(t), float(s)) for t, s in ranked[:k]]",
            "    return [(tuple(t), float(s)) for t, s in ranked[:k]]",
        )
    ]
}
