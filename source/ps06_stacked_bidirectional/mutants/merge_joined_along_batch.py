"""Exercise 1, wrong: the two directions joined along dimension 1, the batch, instead of the
features (right only for an unbatched h_n, where dimension 1 is the last)."""

EXPECT = {"lose": ["merge_directions"]}
EDITS = {
    "merge_directions": [
        ("torch.cat([split[:, 0], split[:, 1]], dim=-1)", "torch.cat([split[:, 0], split[:, 1]], dim=1)")
    ]
}
