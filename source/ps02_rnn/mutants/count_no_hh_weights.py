"""Exercise 3: the recurrent weights W_hh (hidden x hidden) left out: only the input weights and
the biases counted."""

EXPECT = {"lose": ["count_parameters"]}
EDITS = {
    "count_parameters": [
        (
            "per_direction = hidden_size * layer_input + hidden_size * hidden_size",
            "per_direction = hidden_size * layer_input",
        )
    ]
}
