"""Validates the layout with an assert, so an invalid layout raises AssertionError instead of ValueError."""

MISTAKE = "AssertionError instead of ValueError for a bad layout"
EXPECT = {"lose": ["to_rnn_layout"]}
CELLS = {
    "to_rnn_layout": '''def to_rnn_layout(x, layout, batch_first=False):
    """x with dimensions named by `layout` (a permutation of "TBF"), rearranged to "TBF" or "BTF"."""
    assert sorted(layout) == sorted("TBF"), "layout must be a permutation of TBF"
    t, b, f = layout.index("T"), layout.index("B"), layout.index("F")
    if batch_first:
        return x.permute(b, t, f)
    return x.permute(t, b, f)
'''
}
