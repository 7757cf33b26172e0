"""Uses the unscaled dot product for the attention scores inside the decoder step, forgetting the division by sqrt(H) of exercise 1."""

MISTAKE = "attention not scaled"
EXPECT = {"lose": ["decoder_step"]}
CELLS = {
    "decoder_step": '''def decoder_step(token, state, enc_out, lengths, layers):
    """(logits (B, V), (h_new, c_new), weights (B, S)): attend with the previous h, then step."""
    h, c = state
    B, S, H = enc_out.shape
    scores = (enc_out @ h.unsqueeze(-1)).squeeze(-1)
    real = torch.arange(S) < lengths.unsqueeze(1)
    weights = torch.softmax(scores.masked_fill(~real, float("-inf")), dim=-1)
    context = (weights.unsqueeze(-1) * enc_out).sum(dim=1)
    h_new, c_new = layers.cell(torch.cat([layers.embed(token), context], dim=-1), (h, c))
    logits = layers.out(torch.cat([h_new, context], dim=-1))
    return logits, (h_new, c_new), weights
'''
}
