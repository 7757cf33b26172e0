"""Creates the zero initial state with torch.zeros(...) in the default float32, so a float64 layer and input fail (or mix dtypes) instead of computing in float64."""

MISTAKE = "float32 initial state breaks float64"
EXPECT = {"lose": ["gru_forward"]}
CELLS = {
    "gru_forward": '''def gru_forward(gru, x, h0=None):
    """(output, h_n) of a one-direction, time-major nn.GRU, computed from its weights."""
    L, H = gru.num_layers, gru.hidden_size
    with torch.no_grad():
        if h0 is None:
            h0 = torch.zeros(L, x.shape[1], H)
        layer_input = x
        finals = []
        for k in range(L):
            W_ih, W_hh = getattr(gru, f"weight_ih_l{k}"), getattr(gru, f"weight_hh_l{k}")
            b_ih, b_hh = getattr(gru, f"bias_ih_l{k}"), getattr(gru, f"bias_hh_l{k}")
            h = h0[k]
            outs = []
            for t in range(layer_input.shape[0]):
                ir, iz, inn = (layer_input[t] @ W_ih.T + b_ih).chunk(3, dim=-1)
                hr, hz, hn = (h @ W_hh.T + b_hh).chunk(3, dim=-1)
                r = torch.sigmoid(ir + hr)
                z = torch.sigmoid(iz + hz)
                n = torch.tanh(inn + r * hn)
                h = (1 - z) * n + z * h
                outs.append(h)
            layer_input = torch.stack(outs)
            finals.append(h)
        return layer_input, torch.stack(finals)
'''
}
