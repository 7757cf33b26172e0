"""Exercise 2, wrong: the log-softmax taken over dim 1 (the steps) instead of the vocabulary."""

EXPECT = {"lose": ["masked_perplexity"]}
EDITS = {
    "masked_perplexity": [("torch.log_softmax(logits.double(), dim=-1)", "torch.log_softmax(logits.double(), dim=1)")]
}
