"""Exercise 2: detach applied to the LSTM's output before the head instead of to the carried
state: the loss no longer reaches the LSTM, so only the head learns."""

EXPECT = {"lose": ["train_tbptt"]}
EDITS = {
    "train_tbptt": [
        (
            "loss = nn.functional.mse_loss(head(output), y_chunk)",
            "loss = nn.functional.mse_loss(head(output.detach()), y_chunk)",
        )
    ]
}
