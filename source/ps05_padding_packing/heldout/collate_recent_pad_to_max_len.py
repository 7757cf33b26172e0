"""Always pads to max_len steps, even when every kept sequence is shorter; steps should be the longest kept length."""

MISTAKE = "x padded to max_len instead of the longest kept length"
EXPECT = {"lose": ["collate_recent"]}
CELLS = {
    "collate_recent": '''def collate_recent(items, max_len):
    """A list of (sequence (length, features), label) -> x (steps, batch, features) holding each
    sequence's last max_len steps, lengths (batch,) int64, labels (batch,) int64."""
    features = items[0][0].shape[1]
    x = items[0][0].new_zeros(max_len, len(items), features)
    lengths = torch.zeros(len(items), dtype=torch.long)
    labels = torch.zeros(len(items), dtype=torch.long)
    for b, (seq, label) in enumerate(items):
        part = seq[-max_len:]
        x[:part.shape[0], b] = part
        lengths[b] = part.shape[0]
        labels[b] = label
    return x, lengths, labels
'''
}
