"""Exercise 4, wrong: no gradient for b_hh, as if the second bias were a constant."""

EXPECT = {"lose": ["lstm_sequence_grads"]}
EDITS = {"lstm_sequence_grads": [('"b_hh": db.clone()', '"b_hh": torch.zeros_like(db)')]}
