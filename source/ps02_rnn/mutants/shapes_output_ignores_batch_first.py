"""Exercise 2: output's shape always (seq_len, batch, features), whatever batch_first says."""

EXPECT = {"lose": ["rnn_shapes"]}
EDITS = {
    "rnn_shapes": [
        ("(batch, seq_len, features) if batch_first else (seq_len, batch, features)", "(seq_len, batch, features)")
    ]
}
