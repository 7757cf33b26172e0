"""Computes the attention over all S positions without masking the padding, so padded encoder outputs get weight."""

MISTAKE = "padding not masked"
EXPECT = {"lose": ["decoder_step"]}
CELLS = {
    "decoder_step": """def decoder_step(token, state, enc_out, lengths, layers):
    h, c = state
    H = enc_out.shape[-1]
    scores = torch.bmm(enc_out, h.unsqueeze(2)).squeeze(2) / math.sqrt(H)
    weights = scores.softmax(dim=1)
    context = torch.bmm(weights.unsqueeze(1), enc_out).squeeze(1)
    emb = layers.embed(token)
    h_new, c_new = layers.cell(torch.cat([emb, context], 1), (h, c))
    logits = layers.out(torch.cat([h_new, context], 1))
    return logits, (h_new, c_new), weights
"""
}
