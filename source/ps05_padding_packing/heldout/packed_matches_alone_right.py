"""Correct: run each sequence as a batch of one and compare output[b, :n], h_n[:, b] and c_n[:, b] with atol 1e-5."""

MISTAKE = ""
EXPECT = {"full": True}
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
            if not torch.allclose(c_n[:, b], c_b[:, 0], atol=1e-5):
                return False
    return True
'''
}
