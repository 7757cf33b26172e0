"""Exercise 3, wrong: the tagger returns log-probabilities (log_softmax) instead of logits; its
values differ from the logits by a constant per step, so it still trains."""

EXPECT = {"lose": ["bi_tagger_hidden"]}
EDITS = {"bi_tagger": [("return self.head(output)", "return self.head(output).log_softmax(dim=-1)")]}
