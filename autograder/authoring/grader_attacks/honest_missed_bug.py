"""No tampering: an honest wrong answer that the hidden tests happen to miss. A hand-written
"fast path" for a single sequence with a large hidden state puts the pre-activation gradients
in the order i, f, o, g; the tests never try a batch of one with more than five hidden units
(their size-1 cases have five), the grader's re-check does (seven). The old re-check took the points
back and reported it as if the student had tampered; now it is a plain failure (and a reason to
extend the hidden tests)."""

EXPECT = {"lose": ["lstm_step"], "flag": "plain failure", "flag_lacks": "tamper"}
EDITS = {
    "lstm_step": [
        (
            "    dz = torch.cat([d_i * i * (1 - i), d_f * f * (1 - f), d_g * (1 - g ** 2), d_o * o * (1 - o)], dim=1)",
            "    if x.shape[0] == 1 and h.shape[1] > 6:        # the bug: PyTorch's order is i, f, g, o\n"
            "        dz = torch.cat([d_i * i * (1 - i), d_f * f * (1 - f), d_o * o * (1 - o), "
            "d_g * (1 - g ** 2)], dim=1)\n"
            "    else:\n"
            "        dz = torch.cat([d_i * i * (1 - i), d_f * f * (1 - f), d_g * (1 - g ** 2), "
            "d_o * o * (1 - o)], dim=1)",
        )
    ]
}
