"""Only looks for nn.LSTM modules and forgets nn.LSTMCell, which also has a forget gate."""

MISTAKE = "nn.LSTMCell skipped"
EXPECT = {"lose": ["init_forget_gates"]}
CELLS = {
    "init_forget_gates": """def init_forget_gates(model, value):
    n_set = 0
    for m in model.modules():
        if type(m) is nn.LSTM and m.bias:
            H = m.hidden_size
            for name, p in m.named_parameters(recurse=False):
                with torch.no_grad():
                    if name.startswith("bias_ih"):
                        p[H:2 * H] = value
                        n_set += 1
                    elif name.startswith("bias_hh"):
                        p[H:2 * H] = 0.0
    return n_set
"""
}
