"""Takes the backward half from output[-1], the last (possibly padded) step, instead of step 0."""

MISTAKE = "backward half from output[-1]"
EXPECT = {"lose": ["bidirectional_final"]}
CELLS = {
    "bidirectional_final": '''def bidirectional_final(output, lengths):
    """output (steps, batch, 2 * hidden) of a bidirectional LSTM, lengths (batch,) ->
    (batch, 2 * hidden): the final forward state next to the final backward state."""
    steps, batch, two_h = output.shape
    hidden = two_h // 2
    index = (lengths - 1).to(torch.long).view(1, batch, 1).expand(1, batch, hidden).to(output.device)
    forward = output[:, :, :hidden].gather(0, index).squeeze(0)
    backward = output[-1, :, hidden:]
    return torch.cat([forward, backward], dim=1)
'''
}
