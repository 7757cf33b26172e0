"""Sets bias_ih[H:2H] to value but leaves bias_hh[H:2H] at its random start, so the forget gate's bias is value plus noise."""

MISTAKE = "sets bias_ih only, bias_hh left random"
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
                    if "bias_ih" in name:
                        p[H:2 * H] = value
                        count += 1
    return count
'''
}
