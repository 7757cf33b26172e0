"""Exercise 4, wrong: the same arithmetic without torch.no_grad(), so the outputs hang on the
graph of the layer's weights (they require grad and have a grad_fn), which the exercise rules out."""

EXPECT = {"lose": ["gru_forward"]}
CELLS = {
    "gru_forward": """
def gru_forward(gru, x, h0=None):
    seq_len, batch, _ = x.shape
    hidden = gru.hidden_size
    layer_input, finals = x, []
    for k in range(gru.num_layers):
        w_ih, w_hh = getattr(gru, f"weight_ih_l{k}"), getattr(gru, f"weight_hh_l{k}")
        b_ih, b_hh = getattr(gru, f"bias_ih_l{k}"), getattr(gru, f"bias_hh_l{k}")
        h = x.new_zeros(batch, hidden) if h0 is None else h0[k]
        outputs = []
        for t in range(seq_len):
            i_r, i_z, i_n = (layer_input[t] @ w_ih.T + b_ih).chunk(3, dim=-1)
            h_r, h_z, h_n = (h @ w_hh.T + b_hh).chunk(3, dim=-1)
            r = torch.sigmoid(i_r + h_r)
            z = torch.sigmoid(i_z + h_z)
            n = torch.tanh(i_n + r * h_n)
            h = (1 - z) * n + z * h
            outputs.append(h)
        layer_input = torch.stack(outputs)
        finals.append(h)
    return layer_input, torch.stack(finals)
"""
}
