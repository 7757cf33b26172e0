"""Counts one forget gate per module instead of one per layer and direction of each nn.LSTM (and only looks at layer 0's biases)."""

MISTAKE = "counts modules, only layer 0 set"
EXPECT = {"lose": ["init_forget_gates"]}
CELLS = {
    "init_forget_gates": """def init_forget_gates(model, value):
    count = 0
    for module in model.modules():
        if isinstance(module, nn.LSTM) and module.bias:
            H = module.hidden_size
            with torch.no_grad():
                module.bias_ih_l0[H:2 * H] = value
                module.bias_hh_l0[H:2 * H] = 0.0
            count += 1
        elif isinstance(module, nn.LSTMCell) and module.bias:
            H = module.hidden_size
            with torch.no_grad():
                module.bias_ih[H:2 * H] = value
                module.bias_hh[H:2 * H] = 0.0
            count += 1
    return count
"""
}
