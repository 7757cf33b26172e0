"""Sorts the items by length, longest first (as packing used to need), so the batch is no longer in the order the items came."""

MISTAKE = "items sorted by length instead of kept in order"
EXPECT = {"lose": ["collate_recent"]}
CELLS = {
    "collate_recent": '''def collate_recent(items, max_len):
    """A list of (sequence (length, features), label) -> x (steps, batch, features) holding each
    sequence's last max_len steps, lengths (batch,) int64, labels (batch,) int64."""
    items = sorted(items, key=lambda item: min(len(item[0]), max_len), reverse=True)
    seqs = [s[-max_len:] for s, _ in items]
    x = pad_sequence(seqs)
    lengths = torch.tensor([len(s) for s in seqs])
    labels = torch.tensor([y for _, y in items])
    return x, lengths, labels
'''
}
