"""Correct: rotate each message's words to the front with gather, pack with the lengths, classify h_n[-1]."""

MISTAKE = ""
EXPECT = {"full": True}
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
        index = (torch.arange(seq_len).unsqueeze(0) + seq_len - lengths.unsqueeze(1)) % seq_len
        front = tokens.gather(1, index.to(tokens.device))
        packed = pack_padded_sequence(self.embed(front), lengths, batch_first=True, enforce_sorted=False)
        _, (h_n, _) = self.lstm(packed)
        return self.head(h_n[-1])
"""
}
