"""Exercise 1, wrong: the start of the kept steps computed as len(seq) - max_len, which is
negative for a recording shorter than max_len and then counts from the end."""

EXPECT = {"lose": ["collate_recent"]}
EDITS = {"collate_recent": [("seq[-max_len:]", "seq[len(seq) - max_len:]")]}
