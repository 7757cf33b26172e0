"""Takes both halves at each sequence's last real step; the backward direction's final state is at step 0, where it has read the whole sequence."""

MISTAKE = "backward half taken at lengths - 1 instead of step 0"
EXPECT = {"lose": ["bidirectional_final"]}
CELLS = {
    "bidirectional_final": '''def bidirectional_final(output, lengths):
    """output (steps, batch, 2 * hidden) of a bidirectional LSTM, lengths (batch,) ->
    (batch, 2 * hidden): the final forward state next to the final backward state."""
    batch = output.shape[1]
    idx = (lengths - 1).view(1, batch, 1).expand(1, batch, output.shape[2])
    return output.gather(0, idx).squeeze(0)
'''
}
