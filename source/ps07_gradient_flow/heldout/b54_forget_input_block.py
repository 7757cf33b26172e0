"""Takes the first block [0:H] as the forget gate, which is the input gate in PyTorch's i, f, g, o order."""

MISTAKE = "wrong gate slice [0:H]"
EXPECT = {"lose": ["init_forget_gates"]}
CELLS = {
    "init_forget_gates": '''def init_forget_gates(model, value):
    """Set the forget gate's bias of every nn.LSTM (every layer and direction) and nn.LSTMCell in
    `model` to `value`, in place; return how many forget gates were set."""
    count = 0
    for module in model.modules():
        if isinstance(module, (nn.LSTM, nn.LSTMCell)) and module.bias:
            H = module.hidden_size
            with torch.no_grad():
                for name, p in module.named_parameters():
                    if name.startswith("bias_ih"):
                        p[:H] = value
                        count += 1
                    elif name.startswith("bias_hh"):
                        p[:H] = 0.0
    return count
'''
}
