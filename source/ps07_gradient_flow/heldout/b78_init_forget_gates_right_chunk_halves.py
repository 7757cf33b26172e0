"""A right answer, written with chunk views of detached biases, each of the two biases getting value / 2."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "init_forget_gates": '''def init_forget_gates(model, value):
    """Set the forget gate's bias of every nn.LSTM (every layer and direction) and nn.LSTMCell in
    `model` to `value`, in place; return how many forget gates were set."""
    lstms = [m for m in model.modules() if isinstance(m, (nn.LSTM, nn.LSTMCell))]
    count = 0
    for m in lstms:
        if not m.bias:
            continue
        for name, p in m.named_parameters():
            if "bias" in name:
                # the four gates i, f, g, o are chunks of the bias; chunk gives views of its memory
                p.detach().chunk(4)[1].fill_(value / 2)
                if name.startswith("bias_ih"):
                    count += 1
    return count
'''
}
