"""Picks biases by parameter name over model.named_parameters(), so an nn.GRU's (and GRUCell's) biases are changed and counted too."""

MISTAKE = "selects by name, GRU changed"
EXPECT = {"lose": ["init_forget_gates"]}
CELLS = {
    "init_forget_gates": '''def init_forget_gates(model, value):
    """Set the forget gate's bias of every nn.LSTM (every layer and direction) and nn.LSTMCell in
    `model` to `value`, in place; return how many forget gates were set."""
    count = 0
    with torch.no_grad():
        for name, p in model.named_parameters():
            H = p.shape[0] // 4
            if "bias_ih" in name:
                p[H:2 * H] = value
                count += 1
            elif "bias_hh" in name:
                p[H:2 * H] = 0.0
    return count
'''
}
