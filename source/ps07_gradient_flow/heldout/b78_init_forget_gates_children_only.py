"""Looks only at model.children(): misses the model itself and modules nested deeper."""

MISTAKE = "children instead of modules"
EXPECT = {"lose": ["init_forget_gates"]}
CELLS = {
    "init_forget_gates": '''def init_forget_gates(model, value):
    """Set the forget gate's bias of every nn.LSTM (every layer and direction) and nn.LSTMCell in
    `model` to `value`, in place; return how many forget gates were set."""
    count = 0
    for module in model.children():
        if not isinstance(module, (nn.LSTM, nn.LSTMCell)):
            continue
        H = module.hidden_size
        with torch.no_grad():
            for name, p in module.named_parameters(recurse=False):
                if name.startswith("bias_ih"):
                    p[H:2 * H].fill_(value)
                    count += 1
                elif name.startswith("bias_hh"):
                    p[H:2 * H].zero_()
    return count
'''
}
