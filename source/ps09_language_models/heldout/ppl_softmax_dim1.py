"""Takes the log-softmax over dim 1 (the steps) instead of the vocabulary dimension."""

MISTAKE = "softmax over the wrong dimension"
EXPECT = {"lose": ["masked_perplexity"]}
CELLS = {
    "masked_perplexity": """def masked_perplexity(logits, targets, mask):
    logp = torch.log_softmax(logits.double(), dim=1)
    nll = -logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    H = float(nll[mask].mean())
    return (math.exp(H), H / math.log(2))
"""
}
