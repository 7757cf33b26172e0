"""Library copy of sample_tokens: the source of the student package's nearest code pasted as the
answer, renamed to the exercise's name; it must lose points. Nearest:
rnnlab.language_model.generate, chapter 09's sampler with temperature."""

LIBRARY = {"rnnlab.language_model.generate": "sample_tokens"}
EXPECT = {"lose": ["sample_tokens"]}
CELLS = {"sample_tokens": "{library}"}
