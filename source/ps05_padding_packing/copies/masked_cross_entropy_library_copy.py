"""Library copy of masked_cross_entropy: the source of the student package's nearest code pasted as the
answer, renamed to the exercise's name; it must lose points. Nearest:
rnnlab.metrics.per_step_and_per_sequence, the two masked means (per step, per sequence) of chapter
08."""

LIBRARY = {"rnnlab.metrics.per_step_and_per_sequence": "masked_cross_entropy"}
EXPECT = {"lose": ["masked_cross_entropy"]}
CELLS = {"masked_cross_entropy": "{library}"}
