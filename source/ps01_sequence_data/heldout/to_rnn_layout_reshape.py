"""Uses reshape to the target shape instead of permuting: the shape is right but the values are scrambled, so values lose their place in their sequence."""

MISTAKE = "reshape instead of permute"
EXPECT = {"lose": ["to_rnn_layout"]}
CELLS = {
    "to_rnn_layout": '''def to_rnn_layout(x, layout, batch_first=False):
    """x with dimensions named by `layout` (a permutation of "TBF"), rearranged to "TBF" or "BTF"."""
    if len(layout) != 3 or set(layout) != set("TBF"):
        raise ValueError("bad layout")
    sizes = dict(zip(layout, x.shape))
    target = "BTF" if batch_first else "TBF"
    return x.reshape(*[sizes[d] for d in target])
'''
}
