"""Exercise 3, wrong: the tagger returns softmax probabilities instead of logits."""

EXPECT = {"lose": ["bi_tagger"]}
EDITS = {"bi_tagger": [("return self.head(output)", "return self.head(output).softmax(dim=-1)")]}
