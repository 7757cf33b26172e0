"""Reports the original lengths of the sequences instead of the kept lengths (capped at max_len)."""

MISTAKE = "lengths of the original sequences, not the kept ones"
EXPECT = {"lose": ["collate_recent"]}
CELLS = {
    "collate_recent": '''def collate_recent(items, max_len):
    """A list of (sequence (length, features), label) -> x (steps, batch, features) holding each
    sequence's last max_len steps, lengths (batch,) int64, labels (batch,) int64."""
    kept = [seq[-max_len:] for seq, _ in items]
    lengths = torch.tensor([seq.shape[0] for seq, _ in items], dtype=torch.int64)
    labels = torch.tensor([label for _, label in items], dtype=torch.int64)
    x = pad_sequence(kept)
    return x, lengths, labels
'''
}
