"""Replaces each bias with a new nn.Parameter, so an optimizer built earlier holds the old objects."""

MISTAKE = "new Parameter objects"
EXPECT = {"lose": ["init_forget_gates"]}
CELLS = {
    "init_forget_gates": '''def init_forget_gates(model, value):
    """Set the forget gate's bias of every nn.LSTM (every layer and direction) and nn.LSTMCell in
    `model` to `value`, in place; return how many forget gates were set."""
    count = 0
    for module in model.modules():
        if not isinstance(module, (nn.LSTM, nn.LSTMCell)):
            continue
        H = module.hidden_size
        for name, p in list(module.named_parameters()):
            if "bias" not in name:
                continue
            new = p.detach().clone()
            new[H:2 * H] = value if name.startswith("bias_ih") else 0.0
            setattr(module, name, nn.Parameter(new))
            if name.startswith("bias_ih"):
                count += 1
    return count
'''
}
