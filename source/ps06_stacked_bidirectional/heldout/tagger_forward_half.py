"""Feeds only the first hidden_size features of the output (the forward direction) to the linear layer, so the tags cannot see the tokens after them."""

MISTAKE = "uses only the forward half of the output"
EXPECT = {"lose": ["bi_tagger"]}
CELLS = {
    "bi_tagger": """class BiTagger(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_size, num_tags, num_layers=1):
        super().__init__()
        self.hidden_size = hidden_size
        self.embed = nn.Embedding(vocab_size, embed_dim)
        self.lstm = nn.LSTM(embed_dim, hidden_size, num_layers=num_layers, batch_first=True, bidirectional=True)
        self.linear = nn.Linear(hidden_size, num_tags)

    def forward(self, tokens):
        out, _ = self.lstm(self.embed(tokens))
        return self.linear(out[:, :, :self.hidden_size])
"""
}
