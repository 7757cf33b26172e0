"""Builds the LSTM without batch_first=True, so it reads the (batch, seq_len) embeddings as if the batch were the time axis."""

MISTAKE = "missing batch_first"
EXPECT = {"lose": ["bi_tagger"]}
CELLS = {
    "bi_tagger": '''class BiTagger(nn.Module):
    """Embedding -> bidirectional LSTM (batch first) -> linear layer at every step."""

    def __init__(self, vocab_size, embed_dim, hidden_size, num_tags, num_layers=1):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.rnn = nn.LSTM(embed_dim, hidden_size, num_layers=num_layers, bidirectional=True)
        self.fc = nn.Linear(hidden_size * 2, num_tags)

    def forward(self, tokens):
        emb = self.embedding(tokens)
        out, (h, c) = self.rnn(emb)
        return self.fc(out)
'''
}
