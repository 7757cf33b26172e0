"""Takes hidden as output.shape[-1] instead of half of it, so the 'forward half' gathers all features at the last real step and the backward half is empty: the result is just output at the last real step."""

MISTAKE = "hidden taken as the full feature size (not halved)"
EXPECT = {"lose": ["bidirectional_final"]}
CELLS = {
    "bidirectional_final": '''def bidirectional_final(output, lengths):
    """output (steps, batch, 2 * hidden) of a bidirectional LSTM, lengths (batch,) ->
    (batch, 2 * hidden): the final forward state next to the final backward state."""
    steps, batch, two_h = output.shape
    hidden = two_h
    index = (lengths - 1).to(torch.long).view(1, batch, 1).expand(1, batch, hidden).to(output.device)
    forward = output[:, :, :hidden].gather(0, index).squeeze(0)
    backward = output[0, :, hidden:]
    return torch.cat([forward, backward], dim=1)
'''
}
