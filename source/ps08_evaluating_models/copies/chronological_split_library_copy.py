"""Library copy of chronological_split: the source of the student package's nearest code pasted as the answer,
renamed to the exercise's name; it must lose points. Nearest: rnnlab.forecast.chronological_split
(the exercise adds the embargo gap)."""

LIBRARY = {"rnnlab.forecast.chronological_split": "split_by_time"}
EXPECT = {"lose": ["chronological_split"]}
CELLS = {"chronological_split": "{library}"}
