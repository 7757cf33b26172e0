"""Relies on padding_idx=0 and reads the last output without packing, assuming zero embeddings make the leading padding harmless; the padding still passes through the gates and biases, so the logits depend on the amount of padding."""

MISTAKE = "no packing: the LSTM reads the leading padding"
EXPECT = {"lose": ["spam_classifier"]}
CELLS = {
    "spam_classifier": """class StartPaddedClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim=16, hidden_size=32, num_classes=2):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.lstm = nn.LSTM(embed_dim, hidden_size, batch_first=True)
        self.out = nn.Linear(hidden_size, num_classes)

    def forward(self, tokens, lengths):
        # padding is at the start, so the last column is every message's last word
        output, _ = self.lstm(self.embedding(tokens))
        return self.out(output[:, -1])
"""
}
