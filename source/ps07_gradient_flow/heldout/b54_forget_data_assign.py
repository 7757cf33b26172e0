"""Edits a clone and assigns it to p.data: the parameter object is kept but its memory is new, so views and state_dict tensors taken before the call keep the old numbers."""

MISTAKE = "new tensor assigned to .data, memory replaced"
EXPECT = {"lose": ["init_forget_gates"]}
CELLS = {
    "init_forget_gates": '''def init_forget_gates(model, value):
    """Set the forget gate's bias of every nn.LSTM (every layer and direction) and nn.LSTMCell in
    `model` to `value`, in place; return how many forget gates were set."""
    count = 0
    for module in model.modules():
        if isinstance(module, (nn.LSTM, nn.LSTMCell)) and module.bias:
            H = module.hidden_size
            for name, p in module.named_parameters():
                if name.startswith("bias_ih") or name.startswith("bias_hh"):
                    new = p.data.clone()
                    new[H:2 * H] = value if name.startswith("bias_ih") else 0.0
                    p.data = new
                    if name.startswith("bias_ih"):
                        count += 1
    return count
'''
}
