"""Builds lengths and labels as int32 tensors instead of int64."""

MISTAKE = "lengths/labels int32 instead of int64"
EXPECT = {"lose": ["collate_recent"]}
CELLS = {
    "collate_recent": '''def collate_recent(items, max_len):
    """A list of (sequence (length, features), label) -> x (steps, batch, features) holding each
    sequence's last max_len steps, lengths (batch,) int64, labels (batch,) int64."""
    recent = []
    lengths = []
    labels = []
    for seq, label in items:
        r = seq[-max_len:]
        recent.append(r)
        lengths.append(len(r))
        labels.append(label)
    x = pad_sequence(recent)
    return x, torch.tensor(lengths, dtype=torch.int32), torch.tensor(labels, dtype=torch.int32)
'''
}
