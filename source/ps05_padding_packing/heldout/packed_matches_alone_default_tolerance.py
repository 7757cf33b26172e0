"""Compares with torch.allclose's default tolerances (rtol 1e-5, atol 1e-8) instead of the stated absolute tolerance of 1e-5, so tiny rounding differences near zero make a right way of running the batch fail."""

MISTAKE = "ignores the stated tolerance (allclose defaults instead of atol=1e-5)"
EXPECT = {"lose": ["packed_matches_alone"]}
CELLS = {
    "packed_matches_alone": '''def packed_matches_alone(lstm, sequences, run_batch):
    """True if run_batch gives, for every sequence, what running it alone gives."""
    with torch.no_grad():
        output, h_n, c_n = run_batch(lstm, sequences)
        for b, seq in enumerate(sequences):
            n = seq.shape[0]
            out_b, (h_b, c_b) = lstm(seq.unsqueeze(0))
            if not torch.allclose(output[b, :n], out_b[0]):
                return False
            if not torch.allclose(h_n[:, b], h_b[:, 0]):
                return False
            if not torch.allclose(c_n[:, b], c_b[:, 0]):
                return False
    return True
'''
}
