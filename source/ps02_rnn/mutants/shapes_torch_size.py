"""Exercise 2, wrong type: the shapes as torch.Size objects (built like a tensor's .shape) instead
of plain tuples; the numbers are right."""

EXPECT = {"lose": ["rnn_shapes"]}
EDITS = {"rnn_shapes": [("return output_shape, h_n_shape", "return torch.Size(output_shape), torch.Size(h_n_shape)")]}
