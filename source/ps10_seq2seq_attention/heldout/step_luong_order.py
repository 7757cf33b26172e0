"""Mixes in the lecture's Luong order: after the LSTM step it attends again with the new state h_new, and returns those weights and feeds that context to the output layer, instead of using the attention of the previous h throughout."""

MISTAKE = "attends with the new state (Luong order)"
EXPECT = {"lose": ["decoder_step"]}
CELLS = {
    "decoder_step": """def decoder_step(token, state, enc_out, lengths, layers):
    h, c = state
    B, S, H = enc_out.shape
    mask = torch.arange(S) < lengths.unsqueeze(1)
    def attend(q):
        s = (enc_out @ q.unsqueeze(-1)).squeeze(-1) / math.sqrt(H)
        w = torch.softmax(s.masked_fill(~mask, float("-inf")), dim=-1)
        return w, (w.unsqueeze(-1) * enc_out).sum(1)
    _, prev_context = attend(h)
    h_new, c_new = layers.cell(torch.cat([layers.embed(token), prev_context], dim=-1), (h, c))
    weights, context = attend(h_new)
    logits = layers.out(torch.cat([h_new, context], dim=-1))
    return logits, (h_new, c_new), weights
"""
}
