"""Exercise 1: each layer's states stacked along dimension 1, so output comes out batch first,
(batch, seq_len, hidden_size), and the layer above reads batch rows as if they were steps."""

EXPECT = {"lose": ["manual_rnn"]}
EDITS = {"manual_rnn": [("layer_input = torch.stack(states)", "layer_input = torch.stack(states, dim=1)")]}
