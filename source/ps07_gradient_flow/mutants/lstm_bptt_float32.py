"""Exercise 4, wrong: computes in float32 whatever the inputs are: float64 inputs get float32
gradients, which agree with autograd to about 1e-7, not to 1e-10."""

EXPECT = {"lose": ["lstm_sequence_grads"]}
EDITS = {
    "lstm_sequence_grads": [
        (
            "    T = x.shape[0]\n",
            "    x, h0, c0, W_ih, W_hh, b_ih, b_hh, grad_output = (\n"
            "        t.float() for t in (x, h0, c0, W_ih, W_hh, b_ih, b_hh, grad_output))\n"
            "    T = x.shape[0]\n",
        )
    ]
}
