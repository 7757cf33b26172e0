"""count_parameters builds an nn.RNNCell per layer and direction and counts its parameters: right
values, but a layer built all the same. The tests' rule watches RNNCellBase.__init__ as well as
RNNBase.__init__ (a fresh reader found the cell went unseen); so does the re-check."""

EXPECT = {"lose": ["count_parameters"]}
CELLS = {
    "count_parameters": """
def count_parameters(input_size, hidden_size, num_layers=1, bidirectional=False, bias=True):
    directions = 2 if bidirectional else 1
    total = 0
    for layer in range(num_layers):
        cell = nn.RNNCell(input_size if layer == 0 else directions * hidden_size, hidden_size, bias=bias)
        total += directions * sum(p.numel() for p in cell.parameters())
    return total
"""
}
