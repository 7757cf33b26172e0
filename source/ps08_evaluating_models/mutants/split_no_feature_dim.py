"""Exercise 2, wrong: the inputs left as (n, window), without the feature dimension of size 1."""

EXPECT = {"lose": ["chronological_split"]}
EDITS = {
    "chronological_split": [("series.unfold(0, window, 1)[:-1].unsqueeze(-1)", "series.unfold(0, window, 1)[:-1]")]
}
