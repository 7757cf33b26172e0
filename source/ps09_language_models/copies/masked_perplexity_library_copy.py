"""Library copy of masked_perplexity: the source of the student package's nearest code pasted as the
answer, renamed to the exercise's name; it must lose points. Nearest:
rnnlab.language_model.perplexity, perplexity from a cross-entropy in nats."""

LIBRARY = {"rnnlab.language_model.perplexity": "masked_perplexity"}
EXPECT = {"lose": ["masked_perplexity"]}
CELLS = {"masked_perplexity": "{library}"}
