"""Hard-codes the layer sizes (16, 32 and 2) instead of using the constructor's embed_dim, hidden_size and num_classes arguments."""

MISTAKE = "hard-coded embed_dim / hidden_size / num_classes"
EXPECT = {"lose": ["spam_classifier"]}
CELLS = {
    "spam_classifier": """class StartPaddedClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim=16, hidden_size=32, num_classes=2):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, 16, padding_idx=0)
        self.lstm = nn.LSTM(16, 32, batch_first=True)
        self.head = nn.Linear(32, 2)

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
