"""Makes the batch of one with seq.unsqueeze(1), shape (length, 1, input_size), but the LSTM is batch first: it reads a batch of length sequences of one step each."""

MISTAKE = "batch of one built time first (unsqueeze(1)) for a batch-first LSTM"
EXPECT = {"lose": ["packed_matches_alone"]}
CELLS = {
    "packed_matches_alone": '''def packed_matches_alone(lstm, sequences, run_batch):
    """True if run_batch gives, for every sequence, what running it alone gives."""
    with torch.no_grad():
        output, h_n, c_n = run_batch(lstm, sequences)
        for b, seq in enumerate(sequences):
            n = seq.shape[0]
            out_b, (h_b, c_b) = lstm(seq.unsqueeze(1))
            if not torch.allclose(output[b, :n], out_b[:, 0], atol=1e-5):
                return False
            if not torch.allclose(h_n[:, b], h_b[:, 0], atol=1e-5):
                return False
            if not torch.allclose(c_n[:, b], c_b[:, 0], atol=1e-5):
                return False
    return True
'''
}
