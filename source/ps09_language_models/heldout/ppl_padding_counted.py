"""Averages the cross-entropy over every position, padding included: the mask is not used."""

MISTAKE = "padding not masked out"
EXPECT = {"lose": ["masked_perplexity"]}
CELLS = {
    "masked_perplexity": """def masked_perplexity(logits, targets, mask):
    B, T, V = logits.shape
    ce = nn.functional.cross_entropy(logits.double().reshape(B * T, V), targets.reshape(B * T))
    H = ce.item()
    return (math.exp(H), H / math.log(2))
"""
}
