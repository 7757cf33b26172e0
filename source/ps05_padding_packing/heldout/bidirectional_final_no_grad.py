"""Computes the result inside torch.no_grad(), so no gradient reaches output when a classifier is trained through it."""

MISTAKE = "computed under no_grad: gradients do not reach output"
EXPECT = {"lose": ["bidirectional_final"]}
CELLS = {
    "bidirectional_final": '''def bidirectional_final(output, lengths):
    """output (steps, batch, 2 * hidden) of a bidirectional LSTM, lengths (batch,) ->
    (batch, 2 * hidden): the final forward state next to the final backward state."""
    with torch.no_grad():
        steps, batch, features = output.shape
        h = features // 2
        idx = (lengths - 1).view(1, -1, 1).expand(1, batch, h)
        fwd = torch.gather(output[..., :h], 0, idx)[0]
        bwd = output[0, :, h:]
        final = torch.cat([fwd, bwd], dim=1)
    return final
'''
}
