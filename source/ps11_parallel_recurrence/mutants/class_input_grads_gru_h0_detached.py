"""Exercise 2, wrong: detaches h0 (the habit of truncated backpropagation through time, done inside
the layer), so no gradient reaches the state it was given: the values are right."""

INPUT_CLASS = "input_grads"
EXPECT = {"lose": ["min_gru"], "output_has": "with respect to h0"}
EDITS = {"min_gru": [("torch.log(h0)", "torch.log(h0.detach())")]}
