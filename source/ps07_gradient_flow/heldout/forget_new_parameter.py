"""Replaces each bias with a new nn.Parameter instead of changing its values in place, so an optimizer built before the call keeps updating the old tensors."""

MISTAKE = "parameters replaced, not changed in place"
EXPECT = {"lose": ["init_forget_gates"]}
CELLS = {
    "init_forget_gates": """def init_forget_gates(model, value):
    count = 0
    for module in model.modules():
        if isinstance(module, (nn.LSTM, nn.LSTMCell)) and module.bias:
            H = module.hidden_size
            names = [n for n, _ in module.named_parameters(recurse=False) if n.startswith("bias_ih")]
            for name in names:
                suffix = name[len("bias_ih"):]
                b_ih = getattr(module, name).detach().clone()
                b_hh = getattr(module, "bias_hh" + suffix).detach().clone()
                b_ih[H:2 * H] = value
                b_hh[H:2 * H] = 0.0
                setattr(module, name, nn.Parameter(b_ih))
                setattr(module, "bias_hh" + suffix, nn.Parameter(b_hh))
                count += 1
    return count
"""
}
