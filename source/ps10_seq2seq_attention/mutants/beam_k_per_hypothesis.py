"""Exercise 3, wrong: keeps the k best extensions of each hypothesis, not the k best of all extensions together, so the beam grows to k * k hypotheses."""

EXPECT = {"lose": ["beam_search_batched"]}
EDITS = {
    "beam_search_batched": [
        (
            "        best = totals.sort(descending=True, stable=True).indices[:k].tolist()  # equal totals: lower tokens\n",
            "        best = [r * V + v for r in range(len(live)) for v in logp[r].double().sort(descending=True, stable=True).indices[:k].tolist()]\n",
        )
    ]
}
