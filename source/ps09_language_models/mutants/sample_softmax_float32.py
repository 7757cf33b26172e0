"""Exercise 3, wrong: the logits divided by the temperature as they come, so a float32 model's
softmax runs in float32, not in the float64 that step 2 asks for. The draws mostly agree, but the
log-probabilities of logits far from 0 are off by 1e-5 and more."""

EXPECT = {"lose": ["sample_tokens"]}
EDITS = {"sample_tokens": [("values = logits.double() / temperature", "values = logits / temperature")]}
