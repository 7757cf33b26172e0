"""Exercise 2, wrong: g taken as v + 1/2 everywhere (log g = log(v + 1/2)): right from 0 up, NaN for
pre-activations below -1/2 (the log of a negative number), and wrong between -1/2 and 0."""

EXPECT = {"lose": ["min_gru"]}
EDITS = {"min_gru": [("torch.where(v >= 0, torch.log(F.relu(v) + 0.5), -F.softplus(-v))", "torch.log(v + 0.5)")]}
