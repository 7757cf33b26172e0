"""Exercise 3, wrong: switches requires_grad off on each bias it writes (so that autograd lets the
write happen) and never switches it back: the values are right, but those biases no longer learn."""

EXPECT = {"lose": ["init_forget_gates"]}
EDITS = {
    "init_forget_gates": [
        (
            "                    p[H:2 * H] = value\n",
            "                    p.requires_grad_(False)\n                    p[H:2 * H] = value\n",
        )
    ]
}
