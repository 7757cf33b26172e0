"""Returns the result of torch.all over a tensor of comparisons, a 0-d bool tensor, instead of a Python bool."""

MISTAKE = "returns a 0-d tensor instead of a Python bool"
EXPECT = {"lose": ["packed_matches_alone"]}
CELLS = {
    "packed_matches_alone": '''def packed_matches_alone(lstm, sequences, run_batch):
    """True if run_batch gives, for every sequence, what running it alone gives."""
    with torch.no_grad():
        output, h_n, c_n = run_batch(lstm, sequences)
        checks = []
        for b, seq in enumerate(sequences):
            out, (h, c) = lstm(seq.unsqueeze(0))
            checks.append((output[b, :seq.shape[0]] - out[0]).abs().max() <= 1e-5)
            checks.append((h_n[:, b] - h[:, 0]).abs().max() <= 1e-5)
            checks.append((c_n[:, b] - c[:, 0]).abs().max() <= 1e-5)
    return torch.stack(checks).all()
'''
}
