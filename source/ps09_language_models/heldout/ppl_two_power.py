"""Computes the perplexity as 2 ** H although H is the mean cross-entropy in nats: the base of the exponent does not match the logarithm used."""

MISTAKE = "perplexity as 2**H with H in nats"
EXPECT = {"lose": ["masked_perplexity"]}
CELLS = {
    "masked_perplexity": """def masked_perplexity(logits, targets, mask):
    logp = torch.log_softmax(logits.double(), dim=-1)
    token_logp = logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    H = -token_logp[mask].mean().item()
    return (2.0 ** H, H / math.log(2))
"""
}
