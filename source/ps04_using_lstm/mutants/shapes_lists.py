"""Exercise 1, wrong type: the shapes as lists of ints, where the exercise asks for tuples (a list
never equals a tuple in Python); the numbers are right."""

EXPECT = {"lose": ["lstm_output_shapes"]}
EDITS = {
    "lstm_output_shapes": [
        (
            '        return {"output": (seq_len, features), "h_n": (directions * num_layers, h_out),\n'
            '                "c_n": (directions * num_layers, hidden_size)}',
            '        return {"output": [seq_len, features], "h_n": [directions * num_layers, h_out],\n'
            '                "c_n": [directions * num_layers, hidden_size]}',
        ),
        (
            "    output = (batch, seq_len, features) if batch_first else (seq_len, batch, features)",
            "    output = [batch, seq_len, features] if batch_first else [seq_len, batch, features]",
        ),
        ("    h_n = (directions * num_layers, batch, h_out)", "    h_n = [directions * num_layers, batch, h_out]"),
        (
            "    c_n = (directions * num_layers, batch, hidden_size)",
            "    c_n = [directions * num_layers, batch, hidden_size]",
        ),
    ]
}
