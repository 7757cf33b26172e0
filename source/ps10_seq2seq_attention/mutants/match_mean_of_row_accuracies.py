"""Exercise 4, wrong: per_token as the mean of each row's share of right tokens, which gives a short
target as much weight as a long one, instead of one share over all real target positions."""

EXPECT = {"lose": ["exact_match"]}
EDITS = {
    "exact_match": [("float(right.sum().double() / real.sum())", "float((right.sum(1).double() / real.sum(1)).mean())")]
}
