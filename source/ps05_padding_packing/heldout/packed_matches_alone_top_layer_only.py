"""Compares only h_n[-1] and c_n[-1] (the top layer, last direction) instead of every layer and direction, h_n[:, b]."""

MISTAKE = "only the last row of h_n / c_n compared"
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
            if not torch.allclose(h_n[-1, b], h_b[-1, 0], atol=1e-5):
                return False
            if not torch.allclose(c_n[-1, b], c_b[-1, 0], atol=1e-5):
                return False
    return True
'''
}
