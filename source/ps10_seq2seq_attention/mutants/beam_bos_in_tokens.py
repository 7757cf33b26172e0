"""Exercise 3, wrong: every hypothesis starts as [bos], so the returned tokens begin with BOS and the score per token divides by one token too many."""

EXPECT = {"lose": ["beam_search_batched"]}
EDITS = {"beam_search_batched": [("    live = [([], 0.0)]", "    live = [([bos], 0.0)]")]}
