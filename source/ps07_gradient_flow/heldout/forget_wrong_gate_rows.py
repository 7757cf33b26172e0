"""Writes the value into rows 0:H, the input gate, believing the forget gate comes first; the gates are stacked i, f, g, o, so the forget gate is rows H:2H."""

MISTAKE = "wrong gate slice (input gate)"
EXPECT = {"lose": ["init_forget_gates"]}
CELLS = {
    "init_forget_gates": """def init_forget_gates(model, value):
    count = 0
    for module in model.modules():
        if isinstance(module, (nn.LSTM, nn.LSTMCell)) and module.bias:
            hidden = module.hidden_size
            with torch.no_grad():
                for name, param in module.named_parameters(recurse=False):
                    if name.startswith("bias_ih"):
                        param[:hidden] = value
                        count += 1
                    elif name.startswith("bias_hh"):
                        param[:hidden] = 0
    return count
"""
}
