"""Exercise 3, wrong: forward returns the softmax of the scores (probabilities) where the
exercise asks for logits."""

EXPECT = {"lose": ["spam_classifier"]}
EDITS = {"spam_classifier": [("        return self.head(h_n[-1])", "        return self.head(h_n[-1]).softmax(-1)")]}
