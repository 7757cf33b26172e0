"""Sets the right values but counts num_layers * directions for every nn.LSTM (and one per nn.LSTMCell) even when it was built with bias=False and nothing was set."""

MISTAKE = "counts bias=False modules"
EXPECT = {"lose": ["init_forget_gates"]}
CELLS = {
    "init_forget_gates": '''def init_forget_gates(model, value):
    """Set the forget gate's bias of every nn.LSTM (every layer and direction) and nn.LSTMCell in
    `model` to `value`, in place; return how many forget gates were set."""
    count = 0
    for module in model.modules():
        if isinstance(module, nn.LSTM):
            count += module.num_layers * (2 if module.bidirectional else 1)
        elif isinstance(module, nn.LSTMCell):
            count += 1
        else:
            continue
        H = module.hidden_size
        with torch.no_grad():
            for name, p in module.named_parameters():
                if name.startswith("bias_ih"):
                    p[H:2 * H] = value
                elif name.startswith("bias_hh"):
                    p[H:2 * H] = 0.0
    return count
'''
}
