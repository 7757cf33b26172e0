"""Writes a new tensor to each bias's .data: same object, new memory, so earlier views keep the old numbers."""

MISTAKE = "assigns .data"
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
            if "bias" not in name:
                continue
            new = p.detach().clone()
            new[H:2 * H] = value if name.startswith("bias_ih") else 0.0
            p.data = new
            if name.startswith("bias_ih"):
                count += 1
    return count
'''
}
