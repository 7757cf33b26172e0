"""Always returns the (seq_len, batch, features) layout, ignoring batch_first=True."""

MISTAKE = "batch_first ignored"
EXPECT = {"lose": ["to_rnn_layout"]}
CELLS = {
    "to_rnn_layout": '''def to_rnn_layout(x, layout, batch_first=False):
    """x with dimensions named by `layout` (a permutation of "TBF"), rearranged to "TBF" or "BTF"."""
    if len(layout) != 3 or set(layout) != {"T", "B", "F"}:
        raise ValueError("layout must be T, B and F each once")
    return x.permute(layout.index("T"), layout.index("B"), layout.index("F"))
'''
}
