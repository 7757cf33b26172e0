"""Exercise 2, wrong: squeezes the last state (nn.GRU's h_n is (1, batch, hidden) and needs it; this
one does not): with a batch of one, h_last loses its batch dimension."""

INPUT_CLASS = "size_one"
EXPECT = {"lose": ["min_gru"], "output_has": "h_last (batch 1"}
EDITS = {"min_gru": [("        return h, h[:, -1]", "        return h, h[:, -1].squeeze()")]}
