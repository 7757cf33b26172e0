"""Exercise 3, wrong type: the weights counted with np.prod of their shapes, so the total is a
numpy integer, not an int; the number is right."""

EXPECT = {"lose": ["count_parameters"]}
EDITS = {
    "count_parameters": [
        (
            "per_direction = hidden_size * layer_input + hidden_size * hidden_size",
            "import numpy as np\n        per_direction = np.prod((hidden_size, layer_input)) + np.prod((hidden_size, hidden_size))",
        )
    ]
}
