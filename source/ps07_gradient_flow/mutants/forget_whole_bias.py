"""Exercise 3, wrong: the whole bias set (every gate, not only the forget block)."""

EXPECT = {"lose": ["init_forget_gates"]}
EDITS = {
    "init_forget_gates": [
        ("                    p[H:2 * H] = value", "                    p.fill_(value)"),
        ("                    p[H:2 * H] = 0.0", "                    p.zero_()"),
    ]
}
