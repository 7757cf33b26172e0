"""Exercise 3, wrong shape: the linear layer applied to the whole h_n, so the logits keep its
layer dimension: (1, batch, num_classes)."""

EXPECT = {"lose": ["spam_classifier"]}
EDITS = {"spam_classifier": [("        return self.head(h_n[-1])", "        return self.head(h_n)")]}
