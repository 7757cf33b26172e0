"""Exercise 2, wrong: the logits turned into probabilities first and then given to the
cross-entropy, which applies its own (log-)softmax: a softmax of probabilities."""

EXPECT = {"lose": ["masked_perplexity"]}
EDITS = {
    "masked_perplexity": [
        (
            "torch.log_softmax(logits.double(), dim=-1)",
            "torch.log_softmax(torch.softmax(logits.double(), dim=-1), dim=-1)",
        )
    ]
}
