"""Reaches for bias_ih_l{k} by name without checking bias=False, so a module without biases raises AttributeError."""

MISTAKE = "bias=False not skipped"
EXPECT = {"lose": ["init_forget_gates"]}
CELLS = {
    "init_forget_gates": '''def init_forget_gates(model, value):
    """Set the forget gate's bias of every nn.LSTM (every layer and direction) and nn.LSTMCell in
    `model` to `value`, in place; return how many forget gates were set."""
    count = 0
    with torch.no_grad():
        for module in model.modules():
            H = getattr(module, "hidden_size", None)
            if isinstance(module, nn.LSTM):
                suffixes = ["", "_reverse"] if module.bidirectional else [""]
                for k in range(module.num_layers):
                    for s in suffixes:
                        getattr(module, f"bias_ih_l{k}{s}")[H:2 * H] = value
                        getattr(module, f"bias_hh_l{k}{s}")[H:2 * H] = 0.0
                        count += 1
            elif isinstance(module, nn.LSTMCell):
                module.bias_ih[H:2 * H] = value
                module.bias_hh[H:2 * H] = 0.0
                count += 1
    return count
'''
}
