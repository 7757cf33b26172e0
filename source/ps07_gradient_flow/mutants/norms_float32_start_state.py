"""Exercise 1, wrong: the zero start state made by hand with torch.zeros, float32 whatever the
layer's dtype: a float64 layer stops with a dtype error. Only float32 layers were tested before."""

EXPECT = {"lose": ["step_gradient_norms_hidden"]}
EDITS = {
    "step_gradient_norms": [
        (
            "    states, state = [], None\n",
            "    zeros = torch.zeros(1, x.shape[1], layer.hidden_size)\n"
            "    states, state = [], ((zeros, zeros) if isinstance(layer, nn.LSTM) else zeros)\n",
        )
    ]
}
