"""Exercise 3, wrong: packs the rows as they come, padded at the start, so the LSTM reads each
row's first lengths[b] tokens: padding and the first words, not the message's words."""

EXPECT = {"lose": ["spam_classifier"]}
EDITS = {
    "spam_classifier": [
        ("packed = pack_padded_sequence(self.embed(words_first),", "packed = pack_padded_sequence(self.embed(tokens),")
    ]
}
