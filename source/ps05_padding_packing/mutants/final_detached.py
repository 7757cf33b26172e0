"""Exercise 2, wrong: computed under torch.no_grad(), as in the visible test, so no gradient
reaches output and the classifier cannot train the LSTM through it."""

EXPECT = {"lose": ["bidirectional_final_hidden"]}
EDITS = {
    "bidirectional_final": [
        (
            "    return torch.cat([forward, backward], dim=1)",
            "    with torch.no_grad():\n        return torch.cat([forward, backward], dim=1)",
        )
    ]
}
