"""Finds the biases by parameter name over model.named_parameters(), so an nn.GRU, nn.GRUCell or nn.RNN, whose biases have the same names, is changed and counted too."""

MISTAKE = "decides by parameter name: GRU/RNN changed"
EXPECT = {"lose": ["init_forget_gates"]}
CELLS = {
    "init_forget_gates": '''def init_forget_gates(model, value):
    """Set the forget gate's bias of every nn.LSTM (every layer and direction) and nn.LSTMCell in
    `model` to `value`, in place; return how many forget gates were set."""
    count = 0
    with torch.no_grad():
        for name, p in model.named_parameters():
            last = name.split(".")[-1]
            H = p.shape[0] // 4                  # four gates stacked
            if last.startswith("bias_ih"):
                p[H:2 * H] = value
                count += 1
            elif last.startswith("bias_hh"):
                p[H:2 * H] = 0.0
    return count
'''
}
