"""Sets the forget rows of both bias_ih and bias_hh to value, so the gate's total bias is 2 * value."""

MISTAKE = "both biases set to value (sum doubled)"
EXPECT = {"lose": ["init_forget_gates"]}
CELLS = {
    "init_forget_gates": """def init_forget_gates(model, value):
    count = 0
    for m in model.modules():
        if isinstance(m, (nn.LSTM, nn.LSTMCell)) and m.bias:
            H = m.hidden_size
            for name, p in m.named_parameters(recurse=False):
                if name.startswith("bias"):
                    p.data[H:2 * H] = value
                    if name.startswith("bias_ih"):
                        count += 1
    return count
"""
}
