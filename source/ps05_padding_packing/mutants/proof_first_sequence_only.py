"""Exercise 4, wrong: returns inside the loop, so only the first sequence is ever checked."""

EXPECT = {"lose": ["packed_matches_alone"]}
EDITS = {
    "packed_matches_alone": [
        ("                return False\n", "                return False\n            return True\n")
    ]
}
