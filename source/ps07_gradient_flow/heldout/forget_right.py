"""A correct answer: by module type, set rows H:2H of bias_ih to value and of bias_hh to 0 in place, for every layer and direction, and count them."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "init_forget_gates": '''def init_forget_gates(model, value):
    """Set the forget gate's bias of every nn.LSTM (every layer and direction) and nn.LSTMCell in
    `model` to `value`, in place; return how many forget gates were set."""
    count = 0
    for module in model.modules():
        if not isinstance(module, (nn.LSTM, nn.LSTMCell)):
            continue
        if not module.bias:
            continue
        H = module.hidden_size
        params = dict(module.named_parameters(recurse=False))
        with torch.no_grad():
            for name, p in params.items():
                if name.startswith("bias_ih"):
                    p[H:2 * H] = value
                    params["bias_hh" + name[len("bias_ih"):]][H:2 * H] = 0.0
                    count += 1
    return count
'''
}
