"""Slices seq[len(seq) - max_len:], which for a sequence shorter than max_len is a negative start and keeps only its last few steps instead of the whole sequence."""

MISTAKE = "seq[len - max_len:] wraps around for short sequences"
EXPECT = {"lose": ["collate_recent"]}
CELLS = {
    "collate_recent": '''def collate_recent(items, max_len):
    """A list of (sequence (length, features), label) -> x (steps, batch, features) holding each
    sequence's last max_len steps, lengths (batch,) int64, labels (batch,) int64."""
    kept = [seq[len(seq) - max_len:] for seq, _ in items]
    lengths = torch.tensor([s.shape[0] for s in kept], dtype=torch.int64)
    labels = torch.tensor([label for _, label in items], dtype=torch.int64)
    x = pad_sequence(kept)
    return x, lengths, labels
'''
}
