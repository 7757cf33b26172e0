"""Exercise 2, wrong: the mask keeps position lengths[b] too (<= instead of <), one padded
position attended."""

EXPECT = {"lose": ["decoder_step"]}
EDITS = {
    "decoder_step": [
        ("real = torch.arange(S) < lengths.unsqueeze(1)", "real = torch.arange(S) <= lengths.unsqueeze(1)")
    ]
}
