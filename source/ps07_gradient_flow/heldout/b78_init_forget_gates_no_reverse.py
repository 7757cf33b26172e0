"""Builds the names bias_ih_l{k} from num_layers, so the reverse direction of a bidirectional LSTM is left out."""

MISTAKE = "reverse direction skipped"
EXPECT = {"lose": ["init_forget_gates"]}
CELLS = {
    "init_forget_gates": '''def init_forget_gates(model, value):
    """Set the forget gate's bias of every nn.LSTM (every layer and direction) and nn.LSTMCell in
    `model` to `value`, in place; return how many forget gates were set."""
    count = 0
    with torch.no_grad():
        for module in model.modules():
            if not getattr(module, "bias", True) is True:
                continue
            H = getattr(module, "hidden_size", None)
            if isinstance(module, nn.LSTM):
                for k in range(module.num_layers):
                    getattr(module, f"bias_ih_l{k}")[H:2 * H] = value
                    getattr(module, f"bias_hh_l{k}")[H:2 * H] = 0.0
                    count += 1
            elif isinstance(module, nn.LSTMCell):
                module.bias_ih[H:2 * H] = value
                module.bias_hh[H:2 * H] = 0.0
                count += 1
    return count
'''
}
