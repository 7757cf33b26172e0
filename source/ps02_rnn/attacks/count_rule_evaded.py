"""count_parameters builds the layer it must count from the sizes, through a name for nn.RNN taken
before the hidden tests run (a blind tester's answer, which kept full marks while the tests only
swapped nn.RNN for a function that refuses). The tests' rule now watches RNNBase.__init__, the
code every recurrent layer runs, under whatever name it is called; so does the re-check."""

EXPECT = {"lose": ["count_parameters"]}
CELLS = {
    "count_parameters": """
_SavedRNN = nn.RNN   # kept before the tests hide nn.RNN


def count_parameters(input_size, hidden_size, num_layers=1, bidirectional=False, bias=True):
    rnn = _SavedRNN(input_size, hidden_size, num_layers=num_layers, bidirectional=bidirectional, bias=bias)
    return int(sum(p.numel() for p in rnn.parameters()))
"""
}
