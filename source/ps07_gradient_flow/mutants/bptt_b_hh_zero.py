"""Exercise 4, wrong: only b_ih gets a gradient; b_hh's is left at zero, as if the second bias took no
part (both are added into every step's pre-activation)."""

EXPECT = {"lose": ["rnn_backward"]}
EDITS = {"rnn_backward": [('"b_hh": db.clone()', '"b_hh": torch.zeros_like(b_hh)')]}
