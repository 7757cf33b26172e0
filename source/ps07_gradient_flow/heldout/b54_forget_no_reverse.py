"""Loops over the layers by name bias_ih_l{k} and forgets the _reverse direction of a bidirectional LSTM (and counts one gate per layer)."""

MISTAKE = "forward direction only, _reverse skipped"
EXPECT = {"lose": ["init_forget_gates"]}
CELLS = {
    "init_forget_gates": '''def init_forget_gates(model, value):
    """Set the forget gate's bias of every nn.LSTM (every layer and direction) and nn.LSTMCell in
    `model` to `value`, in place; return how many forget gates were set."""
    count = 0
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.LSTM) and m.bias:
                H = m.hidden_size
                for k in range(m.num_layers):
                    getattr(m, f"bias_ih_l{k}")[H:2 * H] = value
                    getattr(m, f"bias_hh_l{k}")[H:2 * H] = 0.0
                    count += 1
            elif isinstance(m, nn.LSTMCell) and m.bias:
                H = m.hidden_size
                m.bias_ih[H:2 * H] = value
                m.bias_hh[H:2 * H] = 0.0
                count += 1
    return count
'''
}
