"""Zeroes the padding's cross-entropy with the mask but divides the sum by the number of all positions instead of the number of real tokens."""

MISTAKE = "divides by all positions, not real tokens"
EXPECT = {"lose": ["masked_perplexity"]}
CELLS = {
    "masked_perplexity": """def masked_perplexity(logits, targets, mask):
    log_probs = logits.double().log_softmax(dim=-1)
    picked = log_probs.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    total = -(picked * mask).sum()
    H = (total / mask.numel()).item()
    return (math.exp(H), H / math.log(2))
"""
}
