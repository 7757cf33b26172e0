"""Never passes num_layers to the nn.LSTM, so the tagger always has one layer whatever it is asked for."""

MISTAKE = "num_layers not passed to the LSTM"
EXPECT = {"lose": ["bi_tagger"]}
CELLS = {
    "bi_tagger": """class BiTagger(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_size, num_tags, num_layers=1):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, embed_dim)
        self.bilstm = nn.LSTM(embed_dim, hidden_size, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * hidden_size, num_tags)

    def forward(self, tokens):
        states, _ = self.bilstm(self.emb(tokens))
        return self.head(states)
"""
}
