"""The return True sits inside the loop, so the function returns after checking the first sequence only."""

MISTAKE = "returns after the first sequence (return inside the loop)"
EXPECT = {"lose": ["packed_matches_alone"]}
CELLS = {
    "packed_matches_alone": '''def packed_matches_alone(lstm, sequences, run_batch):
    """True if run_batch gives, for every sequence, what running it alone gives."""
    with torch.no_grad():
        output, h_n, c_n = run_batch(lstm, sequences)
        for b, seq in enumerate(sequences):
            out_b, (h_b, c_b) = lstm(seq.unsqueeze(0))
            same_out = torch.allclose(output[b, :len(seq)], out_b[0], atol=1e-5)
            same_h = torch.allclose(h_n[:, b], h_b[:, 0], atol=1e-5)
            same_c = torch.allclose(c_n[:, b], c_b[:, 0], atol=1e-5)
            if same_out and same_h and same_c:
                return True
            return False
'''
}
