"""Exercise 2, wrong: attends with the previous cell state c as the query instead of h."""

EXPECT = {"lose": ["decoder_step"]}
EDITS = {"decoder_step": [("scores = (enc_out @ h.unsqueeze(-1))", "scores = (enc_out @ c.unsqueeze(-1))")]}
