"""Exercise 4, wrong: the missing h0 made with torch.zeros(batch, hidden), which is float32 whatever
the layer is. Right for every float32 layer, and for a float64 one given h0; a float64 layer
without h0 fails (float32 @ float64). The alternative gru_precomputed_inputs had this bug once."""

EXPECT = {"lose": ["gru_forward"]}
EDITS = {
    "gru_forward": [("h = x.new_zeros(batch, hidden) if h0 is None", "h = torch.zeros(batch, hidden) if h0 is None")]
}
