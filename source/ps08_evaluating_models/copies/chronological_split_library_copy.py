"""Library copy of chronological_split: the source of the student package's nearest code pasted as the
answer, renamed to the exercise's name; it must lose points. Nearest:
rnnlab.forecast.chronological_split, chapter 04's split of the same name."""

LIBRARY = {"rnnlab.forecast.chronological_split": "chronological_split"}
EXPECT = {"lose": ["chronological_split"]}
CELLS = {"chronological_split": "{library}"}
