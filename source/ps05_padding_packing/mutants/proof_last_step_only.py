"""Exercise 4, wrong: compares each sequence's output at its last real step only, so a way of
running the batch whose earlier outputs are wrong passes."""

EXPECT = {"lose": ["packed_matches_alone_hidden"]}
EDITS = {
    "packed_matches_alone": [
        (
            "torch.allclose(output[b, :n], alone[0], atol=1e-5)",
            "torch.allclose(output[b, n - 1], alone[0, -1], atol=1e-5)",
        )
    ]
}
