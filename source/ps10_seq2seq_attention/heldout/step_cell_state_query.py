"""Uses the previous cell state c as the attention query instead of the previous hidden state h."""

MISTAKE = "cell state used as the query"
EXPECT = {"lose": ["decoder_step"]}
CELLS = {
    "decoder_step": '''def decoder_step(token, state, enc_out, lengths, layers):
    """(logits (B, V), (h_new, c_new), weights (B, S)): attend with the previous h, then step."""
    h, c = state
    B, S, H = enc_out.shape
    scores = (enc_out @ c.unsqueeze(-1)).squeeze(-1) / math.sqrt(H)
    real = torch.arange(S) < lengths.unsqueeze(1)
    weights = torch.softmax(scores.masked_fill(~real, float("-inf")), dim=-1)
    context = (weights.unsqueeze(-1) * enc_out).sum(dim=1)
    h_new, c_new = layers.cell(torch.cat([layers.embed(token), context], dim=-1), (h, c))
    logits = layers.out(torch.cat([h_new, context], dim=-1))
    return logits, (h_new, c_new), weights
'''
}
