"""Exercise 2, wrong: the mean kept as a 0-d tensor, so both results are tensors, not Python floats."""

EXPECT = {"lose": ["masked_perplexity"]}
EDITS = {
    "masked_perplexity": [
        (
            "    mean = float(nll[mask].mean())\n    return math.exp(mean), mean / math.log(2)",
            "    mean = nll[mask].mean()\n    return torch.exp(mean), mean / math.log(2)",
        )
    ]
}
