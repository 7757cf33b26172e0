"""Library copy of make_windows: the source of the student package's nearest code pasted as the answer,
renamed to the exercise's name; it must lose points. Nearest: rnnlab.forecast.make_windows, which
cuts a series into windows and next values as chapter 04 needs (the exercise adds a horizon,
features and checks)."""

LIBRARY = {"rnnlab.forecast.make_windows": "sliding_windows"}
EXPECT = {"lose": ["make_windows"]}
CELLS = {"make_windows": "{library}"}
