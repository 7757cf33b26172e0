"""Returns the perplexity and bits per token as 0-d tensors (torch.exp of a tensor) instead of Python floats."""

MISTAKE = "tensors instead of Python floats"
EXPECT = {"lose": ["masked_perplexity"]}
CELLS = {
    "masked_perplexity": """def masked_perplexity(logits, targets, mask):
    logp = torch.log_softmax(logits.double(), dim=-1)
    nll = -logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    H = nll[mask].mean()
    return (torch.exp(H), H / math.log(2))
"""
}
