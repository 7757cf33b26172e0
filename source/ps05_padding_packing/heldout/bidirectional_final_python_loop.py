"""Loops over the batch in Python and picks each sequence's states one by one; the values are right but the exercise asks for gather or indexing without a loop over the batch."""

MISTAKE = "Python loop over the batch instead of gather/indexing"
EXPECT = {"lose": ["bidirectional_final"]}
CELLS = {
    "bidirectional_final": '''def bidirectional_final(output, lengths):
    """output (steps, batch, 2 * hidden) of a bidirectional LSTM, lengths (batch,) ->
    (batch, 2 * hidden): the final forward state next to the final backward state."""
    hidden = output.shape[2] // 2
    rows = []
    for b in range(output.shape[1]):
        last = int(lengths[b]) - 1
        rows.append(torch.cat([output[last, b, :hidden], output[0, b, hidden:]]))
    return torch.stack(rows)
'''
}
