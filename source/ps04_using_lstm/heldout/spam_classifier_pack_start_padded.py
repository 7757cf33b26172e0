"""Packs the start-padded tokens directly: pack_padded_sequence keeps the first lengths[b] positions of each row, so the LSTM reads the leading padding and misses the last words of the message."""

MISTAKE = "packs start-padded rows without moving the words to the front"
EXPECT = {"lose": ["spam_classifier"]}
CELLS = {
    "spam_classifier": """class StartPaddedClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim=16, hidden_size=32, num_classes=2):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.lstm = nn.LSTM(embed_dim, hidden_size, batch_first=True)
        self.fc = nn.Linear(hidden_size, num_classes)

    def forward(self, tokens, lengths):
        packed = pack_padded_sequence(self.embed(tokens), lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, (h_n, _) = self.lstm(packed)
        return self.fc(h_n[-1])
"""
}
