"""Exercise 4, wrong: the two shares returned as 0-d tensors instead of Python floats."""

EXPECT = {"lose": ["exact_match"]}
EDITS = {
    "exact_match": [
        (
            "return float(exact.double().mean()), float(right.sum().double() / real.sum())",
            "return exact.double().mean(), right.sum().double() / real.sum()",
        )
    ]
}
