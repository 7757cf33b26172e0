"""Exercise 1, wrong type: the shapes as torch.Size objects instead of plain tuples; the numbers
are right."""

EXPECT = {"lose": ["lstm_output_shapes"]}
EDITS = {
    "lstm_output_shapes": [
        (
            '    return {"output": output, "h_n": h_n, "c_n": c_n}',
            '    return {"output": torch.Size(output), "h_n": torch.Size(h_n), "c_n": torch.Size(c_n)}',
        ),
        (
            '        return {"output": (seq_len, features), "h_n": (directions * num_layers, h_out),\n'
            '                "c_n": (directions * num_layers, hidden_size)}',
            '        return {"output": torch.Size((seq_len, features)), "h_n": torch.Size((directions * num_layers, h_out)),\n'
            '                "c_n": torch.Size((directions * num_layers, hidden_size))}',
        ),
    ]
}
