"""Averages each sequence's mean cross-entropy and then takes the mean over the batch, so a short sequence counts as much as a long one."""

MISTAKE = "mean of per-sequence means"
EXPECT = {"lose": ["masked_perplexity"]}
CELLS = {
    "masked_perplexity": """def masked_perplexity(logits, targets, mask):
    logp = torch.log_softmax(logits.double(), dim=-1)
    nll = -logp.gather(2, targets.unsqueeze(2)).squeeze(2)
    m = mask.double()
    per_seq = (nll * m).sum(dim=1) / m.sum(dim=1)
    H = per_seq.mean().item()
    return (math.exp(H), H / math.log(2))
"""
}
