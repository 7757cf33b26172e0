"""Correct: validate the layout, permute with layout.index of each target letter."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "to_rnn_layout": '''def to_rnn_layout(x, layout, batch_first=False):
    """x with dimensions named by `layout` (a permutation of "TBF"), rearranged to "TBF" or "BTF"."""
    if not isinstance(layout, str) or len(layout) != 3 or sorted(layout) != sorted("TBF"):
        raise ValueError(f"layout must be a permutation of 'TBF', not {layout!r}")
    target = "BTF" if batch_first else "TBF"
    return x.permute(*[layout.index(d) for d in target])
'''
}
