"""Pads with pad_sequence(..., batch_first=True), returning (batch, steps, features) instead of time first."""

MISTAKE = "x batch first instead of time first"
EXPECT = {"lose": ["collate_recent"]}
CELLS = {
    "collate_recent": '''def collate_recent(items, max_len):
    """A list of (sequence (length, features), label) -> x (steps, batch, features) holding each
    sequence's last max_len steps, lengths (batch,) int64, labels (batch,) int64."""
    kept = [seq[-max_len:] for seq, _ in items]
    lengths = torch.tensor([s.shape[0] for s in kept], dtype=torch.int64)
    labels = torch.tensor([label for _, label in items], dtype=torch.int64)
    x = pad_sequence(kept, batch_first=True)
    return x, lengths, labels
'''
}
