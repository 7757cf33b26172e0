"""Exercise 1: every step starts from the initial state: the new state goes into the list but h is
never updated, so there is no recurrence beyond the first step."""

EXPECT = {"lose": ["manual_rnn"]}
EDITS = {
    "manual_rnn": [
        (
            "            h = act(layer_input[t] @ W_ih.T + b_ih + h @ W_hh.T + b_hh)\n            states.append(h)",
            "            h_t = act(layer_input[t] @ W_ih.T + b_ih + h @ W_hh.T + b_hh)\n            states.append(h_t)",
        ),
        ("finals.append(h)", "finals.append(h_t)"),
    ]
}
