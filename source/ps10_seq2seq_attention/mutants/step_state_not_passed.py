"""Exercise 2, wrong: the cell called without the previous (h, c), so it steps from zeros."""

EXPECT = {"lose": ["decoder_step"]}
EDITS = {
    "decoder_step": [
        ("torch.cat([layers.embed(token), context], -1), (h, c))", "torch.cat([layers.embed(token), context], -1))")
    ]
}
