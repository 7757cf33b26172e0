"""Exercise 1, wrong: the labels given back as the tuple zip made, not as an int64 tensor."""

EXPECT = {"lose": ["collate_recent"]}
EDITS = {
    "collate_recent": [("return x, lengths, torch.tensor(labels, dtype=torch.int64)", "return x, lengths, labels")]
}
