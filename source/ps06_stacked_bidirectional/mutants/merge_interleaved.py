"""Exercise 1, wrong: the two directions stacked on a last dimension and flattened, which
interleaves their features (forward 0, backward 0, forward 1, ...) instead of putting them side
by side."""

EXPECT = {"lose": ["merge_directions"]}
EDITS = {
    "merge_directions": [
        ("torch.cat([split[:, 0], split[:, 1]], dim=-1)", "torch.stack([split[:, 0], split[:, 1]], dim=-1).flatten(-2)")
    ]
}
