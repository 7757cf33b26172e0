"""Exercise 2: the zero start state made with torch.zeros(batch, hidden), float32 whatever the
layer is: right for every float32 layer and whenever hx is given, a dtype error for a float64
layer without hx. The visible test's float64 layer without hx catches it, as the hidden tests do."""

EXPECT = {"lose": ["lstm_all_gates"]}
EDITS = {
    "lstm_all_gates": [
        (
            "h, c = x.new_zeros(batch, hidden), x.new_zeros(batch, hidden)",
            "h, c = torch.zeros(batch, hidden), torch.zeros(batch, hidden)",
        )
    ]
}
