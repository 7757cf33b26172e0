"""Exercise 4, wrong: reads the batch-first output as time first (output[:n, b]), as the
other exercises of the set lay it out."""

EXPECT = {"lose": ["packed_matches_alone"]}
EDITS = {
    "packed_matches_alone": [
        ("torch.allclose(output[b, :n], alone[0], atol=1e-5)", "torch.allclose(output[:n, b], alone[0], atol=1e-5)")
    ]
}
