"""Exercise 2, wrong: takes h_0 from hx but starts the cell state from zeros, ignoring c_0."""

EXPECT = {"lose": ["lstm_all_gates_hidden"]}
EDITS = {
    "lstm_all_gates": [("        h, c = hx[0][0], hx[1][0]", "        h, c = hx[0][0], x.new_zeros(batch, hidden)")]
}
