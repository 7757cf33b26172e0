"""Picks the biases by their names (bias_ih / bias_hh) instead of by module type, so the GRU's biases, which have the same names, are changed too."""

MISTAKE = "selected by parameter name: GRU changed"
EXPECT = {"lose": ["init_forget_gates"]}
CELLS = {
    "init_forget_gates": """def init_forget_gates(model, value):
    count = 0
    for module in model.modules():
        H = getattr(module, "hidden_size", None)
        if H is None:
            continue
        touched = False
        for name, p in module.named_parameters(recurse=False):
            with torch.no_grad():
                if name.startswith("bias_ih"):
                    p[H:2 * H].fill_(value)
                    count += 1
                elif name.startswith("bias_hh"):
                    p[H:2 * H].fill_(0.0)
    return count
"""
}
