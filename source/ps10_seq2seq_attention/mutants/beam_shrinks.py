"""Exercise 3, wrong: the beam shrinks as hypotheses finish (k - len(finished) extensions kept), a common variant, where the exercise keeps the k best extensions at every step."""

EXPECT = {"lose": ["beam_search_batched"]}
EDITS = {"beam_search_batched": [(".indices[:k].tolist()", ".indices[: k - len(finished)].tolist()")]}
