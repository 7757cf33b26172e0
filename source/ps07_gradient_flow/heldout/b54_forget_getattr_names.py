"""A right answer, written by building each bias name (bias_ih_l{k}, _reverse, or bias_ih for a cell) and assigning through .data slices, which writes into the existing memory."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "init_forget_gates": '''def init_forget_gates(model, value):
    """Set the forget gate's bias of every nn.LSTM (every layer and direction) and nn.LSTMCell in
    `model` to `value`, in place; return how many forget gates were set."""
    def set_pair(module, suffix):
        H = module.hidden_size
        b_ih = getattr(module, "bias_ih" + suffix)
        b_hh = getattr(module, "bias_hh" + suffix)
        b_ih.data[H:2 * H] = value
        b_hh.data[H:2 * H] = 0.0

    n = 0
    for m in model.modules():
        if isinstance(m, nn.LSTM):
            if not m.bias:
                continue
            directions = ["", "_reverse"] if m.bidirectional else [""]
            for layer in range(m.num_layers):
                for d in directions:
                    set_pair(m, f"_l{layer}{d}")
                    n += 1
        elif isinstance(m, nn.LSTMCell):
            if m.bias:
                set_pair(m, "")
                n += 1
    return n
'''
}
