"""Adds a hidden Linear + ReLU layer between the LSTM and the output layer: extra parameters the specification does not allow."""

MISTAKE = "extra hidden layer, parameter count wrong"
EXPECT = {"lose": ["bi_tagger"]}
CELLS = {
    "bi_tagger": """class BiTagger(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_size, num_tags, num_layers=1):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim)
        self.lstm = nn.LSTM(embed_dim, hidden_size, num_layers=num_layers, batch_first=True, bidirectional=True)
        self.hidden = nn.Linear(2 * hidden_size, hidden_size)
        self.out = nn.Linear(hidden_size, num_tags)

    def forward(self, tokens):
        output, _ = self.lstm(self.embed(tokens))
        return self.out(torch.relu(self.hidden(output)))
"""
}
