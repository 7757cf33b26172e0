"""Exercise 2, wrong: the output layer fed [context, h_new] instead of [h_new, context]."""

EXPECT = {"lose": ["decoder_step"]}
EDITS = {
    "decoder_step": [("layers.out(torch.cat([h_new, context], -1))", "layers.out(torch.cat([context, h_new], -1))")]
}
