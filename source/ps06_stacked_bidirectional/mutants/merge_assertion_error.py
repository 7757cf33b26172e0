"""Exercise 1, wrong: the number of slots checked with assert, which raises AssertionError, not
ValueError."""

EXPECT = {"lose": ["merge_directions_hidden"]}
EDITS = {
    "merge_directions": [
        (
            '    if h_n.shape[0] != 2 * num_layers:\n        raise ValueError(f"h_n has {h_n.shape[0]} slots, not 2 * num_layers = {2 * num_layers}")\n',
            '    assert h_n.shape[0] == 2 * num_layers, "h_n should have 2 * num_layers slots"\n',
        )
    ]
}
