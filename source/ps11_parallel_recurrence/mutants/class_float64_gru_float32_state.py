"""Exercise 2, wrong: returns the states as float32 (.float() 'for the next layer'), whatever the
layer's dtype: a float64 layer gives float32 states."""

INPUT_CLASS = "float64"
EXPECT = {"lose": ["min_gru"], "output_has": "but should have torch.float64"}
EDITS = {"min_gru": [("        return h, h[:, -1]", "        h = h.float()\n        return h, h[:, -1]")]}
