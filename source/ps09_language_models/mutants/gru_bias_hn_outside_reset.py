"""Exercise 4, wrong: the reset gate multiplies h W_hn^T only, and b_hn is added after the product,
as in a derivation that treats both biases of n alike."""

EXPECT = {"lose": ["gru_forward"]}
EDITS = {
    "gru_forward": [
        (
            "                h_r, h_z, h_n = (h @ w_hh.T + b_hh).chunk(3, dim=-1)\n",
            "                h_r, h_z, h_n = (h @ w_hh.T + b_hh).chunk(3, dim=-1)\n"
            "                h_n = h_n - b_hh.chunk(3)[2]\n",
        ),
        ("n = torch.tanh(i_n + r * h_n)", "n = torch.tanh(i_n + r * h_n + b_hh.chunk(3)[2])"),
    ]
}
