"""Checks output and h_n but never c_n, so a way of running the batch that gets only the cell states wrong is accepted."""

MISTAKE = "c_n not checked"
EXPECT = {"lose": ["packed_matches_alone"]}
CELLS = {
    "packed_matches_alone": '''def packed_matches_alone(lstm, sequences, run_batch):
    """True if run_batch gives, for every sequence, what running it alone gives."""
    with torch.no_grad():
        output, h_n, c_n = run_batch(lstm, sequences)
        for b, seq in enumerate(sequences):
            n = seq.shape[0]
            out_b, (h_b, c_b) = lstm(seq.unsqueeze(0))
            if not torch.allclose(output[b, :n], out_b[0], atol=1e-5):
                return False
            if not torch.allclose(h_n[:, b], h_b[:, 0], atol=1e-5):
                return False
    return True
'''
}
