"""Exercise 3, wrong: right values, but each bias is replaced by a new nn.Parameter: an
optimizer built before the call keeps the old ones and never trains the new."""

EXPECT = {"lose": ["init_forget_gates"], "output_has": ["is a new Parameter object"]}
EDITS = {
    "init_forget_gates": [
        (
            "            for name, p in module.named_parameters():\n"
            '                if name.startswith("bias_ih"):\n'
            "                    p[H:2 * H] = value\n"
            "                    count += 1\n"
            '                elif name.startswith("bias_hh"):\n'
            "                    p[H:2 * H] = 0.0\n",
            "            for name, p in list(module.named_parameters()):\n"
            '                if name.startswith(("bias_ih", "bias_hh")):\n'
            "                    new = p.detach().clone()\n"
            '                    new[H:2 * H] = value if name.startswith("bias_ih") else 0.0\n'
            "                    setattr(module, name, nn.Parameter(new))\n"
            '                    count += name.startswith("bias_ih")\n',
        )
    ]
}
