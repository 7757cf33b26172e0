"""Exercise 1, wrong: the lengths made with torch.Tensor, which gives float32, not int64."""

EXPECT = {"lose": ["collate_recent"]}
EDITS = {
    "collate_recent": [
        (
            "lengths = torch.tensor([len(seq) for seq in kept], dtype=torch.int64)",
            "lengths = torch.Tensor([len(seq) for seq in kept])",
        )
    ]
}
