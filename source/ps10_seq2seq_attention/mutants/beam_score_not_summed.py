"""Exercise 3, wrong: an extension's score is the new token's log-probability alone, not the sum
over the hypothesis."""

EXPECT = {"lose": ["beam_search"]}
EDITS = {
    "beam_search": [
        ("extensions.append((tokens + [v], score + lp, new_state))", "extensions.append((tokens + [v], lp, new_state))")
    ]
}
