"""Sets the forget block of both bias_ih and bias_hh to value, so the forget gate's bias, their sum, is 2 * value."""

MISTAKE = "both biases set to value: sum is 2*value"
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
                    if "bias" in name:
                        p[H:2 * H].fill_(value)
                        if "bias_ih" in name:
                            count += 1
    return count
'''
}
