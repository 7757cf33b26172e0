"""Exercise 3, wrong: at most max_len - 1 steps (the loop counts the BOS as a step)."""

EXPECT = {"lose": ["beam_search_batched"]}
EDITS = {"beam_search_batched": [("    for _ in range(max_len):\n", "    for _ in range(1, max_len):\n")]}
