"""Exercise 2, right values, against the exercise's rule: a Python loop over the batch picks each
sequence's last real step. Only the hidden test that counts torch operations for two batch sizes
catches it."""

EXPECT = {"lose": ["bidirectional_final"], "output_has": "loops over the batch in Python"}
CELLS = {
    "bidirectional_final": """
def bidirectional_final(output, lengths):
    hidden = output.shape[2] // 2
    rows = []
    for b, n in enumerate(lengths.tolist()):
        rows.append(torch.cat([output[n - 1, b, :hidden], output[0, b, hidden:]]))
    return torch.stack(rows)
"""
}
