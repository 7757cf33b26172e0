"""Exercise 3, wrong: every hypothesis starts as [bos], so the returned tokens begin with BOS and the
score per token divides by one token too many."""

EXPECT = {"lose": ["beam_search"]}
EDITS = {
    "beam_search": [
        ("live, finished = [([], 0.0, start_state)], []", "live, finished = [([bos], 0.0, start_state)], []")
    ]
}
