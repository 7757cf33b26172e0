"""A correct answer: log_softmax in float64, gather the targets' log-probabilities, average over all real tokens of the batch together."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "masked_perplexity": '''def masked_perplexity(logits, targets, mask):
    """(perplexity, bits per token) over the real tokens of a padded batch, as Python floats."""
    logp = torch.log_softmax(logits.double(), dim=-1)
    nll = -logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    H = nll[mask].mean().item()
    return (float(math.exp(H)), float(H / math.log(2)))
'''
}
