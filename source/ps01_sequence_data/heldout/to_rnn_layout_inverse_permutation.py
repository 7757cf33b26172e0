"""Builds the permutation the wrong way round (for each dimension of x, where it goes in the result), which is the inverse permutation: right for swaps of two dimensions, wrong for layouts like BFT that move all three."""

MISTAKE = "inverse permutation passed to permute"
EXPECT = {"lose": ["to_rnn_layout"]}
CELLS = {
    "to_rnn_layout": '''def to_rnn_layout(x, layout, batch_first=False):
    """x with dimensions named by `layout` (a permutation of "TBF"), rearranged to "TBF" or "BTF"."""
    if sorted(layout) != ["B", "F", "T"]:
        raise ValueError("layout must contain T, B and F once each")
    target = "BTF" if batch_first else "TBF"
    order = [target.index(d) for d in layout]
    return x.permute(order)
'''
}
