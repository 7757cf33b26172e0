"""Turns requires_grad off to edit the biases in place and never turns it back on."""

MISTAKE = "requires_grad left off"
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
        for name, p in module.named_parameters():
            if name.startswith("bias_ih"):
                p.requires_grad_(False)          # a leaf that requires grad cannot be changed in place
                p[H:2 * H] = value
                count += 1
            elif name.startswith("bias_hh"):
                p.requires_grad_(False)
                p[H:2 * H] = 0.0
    return count
'''
}
