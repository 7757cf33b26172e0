"""Correct: advanced indexing at (lengths - 1, arange(batch)) for the forward half, step 0 for the backward half."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "bidirectional_final": '''def bidirectional_final(output, lengths):
    """output (steps, batch, 2 * hidden) of a bidirectional LSTM, lengths (batch,) ->
    (batch, 2 * hidden): the final forward state next to the final backward state."""
    H = output.size(-1) // 2
    rows = torch.arange(output.size(1), device=output.device)
    last = (lengths - 1).to(output.device)
    return torch.cat((output[last, rows, :H], output[0, :, H:]), dim=-1)
'''
}
