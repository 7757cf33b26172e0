"""Exercise 2, wrong: the targets shifted by one step once more (logits[:, :-1] scored against
targets[:, 1:]), although targets[b, t] is already the token that follows position t."""

EXPECT = {"lose": ["masked_perplexity"]}
EDITS = {
    "masked_perplexity": [
        (
            "    log_probs = torch.log_softmax(logits.double(), dim=-1)\n",
            "    logits, targets, mask = logits[:, :-1], targets[:, 1:], mask[:, 1:]\n"
            "    log_probs = torch.log_softmax(logits.double(), dim=-1)\n",
        )
    ]
}
