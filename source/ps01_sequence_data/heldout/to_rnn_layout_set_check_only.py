"""Checks only that the set of letters is {T, B, F}, so a layout with a repeated letter such as 'TBFT' or 'TBFB' is accepted instead of raising ValueError."""

MISTAKE = "layout validation misses repeated letters / wrong length"
EXPECT = {"lose": ["to_rnn_layout"]}
CELLS = {
    "to_rnn_layout": '''def to_rnn_layout(x, layout, batch_first=False):
    """x with dimensions named by `layout` (a permutation of "TBF"), rearranged to "TBF" or "BTF"."""
    if set(layout) != set("TBF"):
        raise ValueError("layout must use the letters T, B and F")
    dims = [layout.index(d) for d in ("BTF" if batch_first else "TBF")]
    return x.permute(*dims)
'''
}
