"""Rotates the rows with the wrong offset, position j taking (j + lengths[b]) % seq_len instead of (j + seq_len - lengths[b]) % seq_len, so the packed part is not the message's words."""

MISTAKE = "gather index off: (j + length) instead of (j + seq_len - length)"
EXPECT = {"lose": ["spam_classifier"]}
CELLS = {
    "spam_classifier": """class StartPaddedClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim=16, hidden_size=32, num_classes=2):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.lstm = nn.LSTM(embed_dim, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, num_classes)

    def forward(self, tokens, lengths):
        seq_len = tokens.shape[1]
        lengths = lengths.cpu()
        index = (torch.arange(seq_len).unsqueeze(0) + lengths.unsqueeze(1)) % seq_len
        front = tokens.gather(1, index.to(tokens.device))
        packed = pack_padded_sequence(self.embed(front), lengths, batch_first=True, enforce_sorted=False)
        _, (h_n, _) = self.lstm(packed)
        return self.head(h_n[-1])
"""
}
