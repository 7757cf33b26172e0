"""Exercise 1: the bias gradients summed over the gates (dimension 1) instead of over the batch,
one number per example instead of one per bias."""

EXPECT = {"lose": ["lstm_step_backward"]}
EDITS = {"lstm_step_backward": [('"b_ih": dz.sum(0), "b_hh": dz.sum(0)', '"b_ih": dz.sum(1), "b_hh": dz.sum(1)')]}
