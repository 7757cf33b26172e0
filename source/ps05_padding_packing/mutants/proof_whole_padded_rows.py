"""Exercise 4, wrong: compares each whole padded row of output, padding included, with the run
alone padded with zeros. A right way whose padded slots are not zero (a one-direction LSTM run on
the padded batch, with its states from packing) is called wrong."""

EXPECT = {"lose": ["packed_matches_alone_hidden"]}
EDITS = {
    "packed_matches_alone": [
        (
            "torch.allclose(output[b, :n], alone[0], atol=1e-5)",
            "torch.allclose(output[b], nn.functional.pad(alone[0], (0, 0, 0, output.shape[1] - n)), atol=1e-5)",
        )
    ]
}
