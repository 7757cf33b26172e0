"""Applies a softmax at the end of forward, so the module returns probabilities instead of the logits the exercise (and cross_entropy) expects."""

MISTAKE = "returns probabilities instead of logits"
EXPECT = {"lose": ["bi_tagger"]}
CELLS = {
    "bi_tagger": """class BiTagger(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_size, num_tags, num_layers=1):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim)
        self.lstm = nn.LSTM(embed_dim, hidden_size, num_layers=num_layers, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden_size, num_tags)

    def forward(self, tokens):
        h, _ = self.lstm(self.embed(tokens))
        return torch.softmax(self.out(h), dim=-1)
"""
}
