"""Computes in float32 (no .double()) as the exercise asks not to, so the result depends on rounding."""

MISTAKE = "computed in float32, not float64"
EXPECT = {"lose": ["masked_perplexity"]}
CELLS = {
    "masked_perplexity": """def masked_perplexity(logits, targets, mask):
    logp = torch.log_softmax(logits, dim=-1)
    nll = -logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    H = nll[mask].sum() / mask.sum()
    perplexity = torch.exp(H)
    bits = H / math.log(2)
    return (float(perplexity), float(bits))
"""
}
