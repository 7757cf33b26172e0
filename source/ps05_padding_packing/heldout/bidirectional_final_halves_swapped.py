"""Puts the backward half first and the forward half second, instead of the forward direction's features first."""

MISTAKE = "forward and backward halves in the wrong order"
EXPECT = {"lose": ["bidirectional_final"]}
CELLS = {
    "bidirectional_final": '''def bidirectional_final(output, lengths):
    """output (steps, batch, 2 * hidden) of a bidirectional LSTM, lengths (batch,) ->
    (batch, 2 * hidden): the final forward state next to the final backward state."""
    steps, batch, two_h = output.shape
    hidden = two_h // 2
    index = (lengths - 1).to(torch.long).view(1, batch, 1).expand(1, batch, hidden).to(output.device)
    forward = output[:, :, :hidden].gather(0, index).squeeze(0)
    backward = output[0, :, hidden:]
    return torch.cat([backward, forward], dim=1)
'''
}
