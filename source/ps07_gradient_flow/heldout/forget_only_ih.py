"""Sets only bias_ih's forget rows to value and leaves bias_hh as it was, so the forget gate's total bias is value plus the old bias_hh, not value."""

MISTAKE = "only one of the two biases set"
EXPECT = {"lose": ["init_forget_gates"]}
CELLS = {
    "init_forget_gates": """def init_forget_gates(model, value):
    n = 0
    for m in model.modules():
        if isinstance(m, (nn.LSTM, nn.LSTMCell)) and m.bias:
            H = m.hidden_size
            for name, p in m.named_parameters(recurse=False):
                if "bias_ih" in name:
                    with torch.no_grad():
                        p[H:2 * H] = value
                    n += 1
    return n
"""
}
