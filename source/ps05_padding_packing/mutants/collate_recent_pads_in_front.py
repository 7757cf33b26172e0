"""Exercise 1, wrong: the padding put before each short recording (its steps aligned at the
end), so its first slots are zeros and packing reads them as its steps."""

EXPECT = {"lose": ["collate_recent"]}
EDITS = {
    "collate_recent": [
        (
            "x = pad_sequence(kept, padding_value=0.0)",
            "x = pad_sequence([seq.flip(0) for seq in kept], padding_value=0.0).flip(0)",
        )
    ]
}
