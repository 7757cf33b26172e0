"""Exercise 2, wrong: g taken as the sigmoid everywhere (log g = -softplus(-v) for every v): right for
negative pre-activations, but from 0 up g is v + 1/2, which a sigmoid keeps below 1."""

EXPECT = {"lose": ["min_gru"]}
EDITS = {"min_gru": [("torch.where(v >= 0, torch.log(F.relu(v) + 0.5), -F.softplus(-v))", "-F.softplus(-v)")]}
