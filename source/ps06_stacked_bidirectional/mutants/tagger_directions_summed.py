"""Exercise 3, wrong: the two directions added together (hidden_size features) before the linear
layer, instead of given side by side."""

EXPECT = {"lose": ["bi_tagger"]}
EDITS = {
    "bi_tagger": [
        ("nn.Linear(2 * hidden_size, num_tags)", "nn.Linear(hidden_size, num_tags)"),
        ("return self.head(output)", "return self.head(output.view(*output.shape[:2], 2, -1).sum(dim=2))"),
    ]
}
