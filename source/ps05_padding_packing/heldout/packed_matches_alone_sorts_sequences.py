"""Sorts the sequences by length (longest first) before comparing, as if the batch came back sorted, so sequence b is compared with the wrong row of the batch's results."""

MISTAKE = "sequences sorted before comparing: rows mismatched"
EXPECT = {"lose": ["packed_matches_alone"]}
CELLS = {
    "packed_matches_alone": '''def packed_matches_alone(lstm, sequences, run_batch):
    """True if run_batch gives, for every sequence, what running it alone gives."""
    with torch.no_grad():
        output, h_n, c_n = run_batch(lstm, sequences)
        ordered = sorted(sequences, key=len, reverse=True)
        for b, seq in enumerate(ordered):
            o, (h, c) = lstm(seq.unsqueeze(0))
            L = len(seq)
            if not (torch.allclose(output[b, :L], o[0], atol=1e-5)
                    and torch.allclose(h_n[:, b], h[:, 0], atol=1e-5)
                    and torch.allclose(c_n[:, b], c[:, 0], atol=1e-5)):
                return False
        return True
'''
}
