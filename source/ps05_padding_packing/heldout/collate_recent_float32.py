"""Fills a new torch.zeros tensor, which is float32, so float64 sequences come back as float32 instead of in their own dtype."""

MISTAKE = "x made float32 instead of the sequences' dtype"
EXPECT = {"lose": ["collate_recent"]}
CELLS = {
    "collate_recent": '''def collate_recent(items, max_len):
    """A list of (sequence (length, features), label) -> x (steps, batch, features) holding each
    sequence's last max_len steps, lengths (batch,) int64, labels (batch,) int64."""
    kept = [seq[-max_len:] for seq, _ in items]
    steps = max(len(k) for k in kept)
    x = torch.zeros(steps, len(kept), kept[0].shape[-1])
    for b, k in enumerate(kept):
        x[:len(k), b] = k
    lengths = torch.tensor([len(k) for k in kept], dtype=torch.int64)
    labels = torch.tensor([lab for _, lab in items], dtype=torch.int64)
    return x, lengths, labels
'''
}
