"""A correct answer: embedding, bidirectional batch-first LSTM, and a linear layer from 2 * hidden_size features to the tags at every step."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "bi_tagger": '''class BiTagger(nn.Module):
    """Embedding -> bidirectional LSTM (batch first) -> linear layer at every step."""

    def __init__(self, vocab_size, embed_dim, hidden_size, num_tags, num_layers=1):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim)
        self.lstm = nn.LSTM(embed_dim, hidden_size, num_layers=num_layers, bidirectional=True, batch_first=True)
        self.out = nn.Linear(2 * hidden_size, num_tags)

    def forward(self, tokens):
        output, _ = self.lstm(self.embed(tokens))
        return self.out(output)
'''
}
