"""Takes the forward half from output[-1] for every sequence, ignoring lengths: for a shorter sequence that step is padding (zeros)."""

MISTAKE = "forward half from output[-1], lengths ignored"
EXPECT = {"lose": ["bidirectional_final"]}
CELLS = {
    "bidirectional_final": '''def bidirectional_final(output, lengths):
    """output (steps, batch, 2 * hidden) of a bidirectional LSTM, lengths (batch,) ->
    (batch, 2 * hidden): the final forward state next to the final backward state."""
    hidden = output.shape[-1] // 2
    return torch.cat([output[-1, :, :hidden], output[0, :, hidden:]], dim=1)
'''
}
