"""Does not skip modules built with bias=False: it reads bias_ih_l{k} of every layer by name, which such a module does not have, so the function crashes."""

MISTAKE = "bias=False not skipped"
EXPECT = {"lose": ["init_forget_gates"]}
CELLS = {
    "init_forget_gates": """def init_forget_gates(model, value):
    count = 0
    for m in model.modules():
        if isinstance(m, nn.LSTM):
            H = m.hidden_size
            suffixes = ["", "_reverse"] if m.bidirectional else [""]
            for layer in range(m.num_layers):
                for s in suffixes:
                    b_ih = getattr(m, f"bias_ih_l{layer}{s}")
                    b_hh = getattr(m, f"bias_hh_l{layer}{s}")
                    with torch.no_grad():
                        b_ih[H:2 * H] = value
                        b_hh[H:2 * H] = 0.0
                    count += 1
        elif isinstance(m, nn.LSTMCell):
            H = m.hidden_size
            with torch.no_grad():
                m.bias_ih[H:2 * H] = value
                m.bias_hh[H:2 * H] = 0.0
            count += 1
    return count
"""
}
