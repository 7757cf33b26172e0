"""Exercise 2, wrong: never passes h0 on, so every call starts from zeros whatever state it is given
(right only for h0=None, and continuing a sequence from its last state fails)."""

EXPECT = {"lose": ["min_gru"]}
EDITS = {
    "min_gru": [
        ("        if h0 is not None:\n            log_h = torch.logaddexp(log_h, s + torch.log(h0).unsqueeze(1))\n", "")
    ]
}
