"""Exercise 1, off by one: the target taken horizon steps after the step that follows the window
(index k + window + horizon), one step too late; the last window then has no target."""

EXPECT = {"lose": ["make_windows"]}
EDITS = {"make_windows": [("    first = window + horizon - 1\n", "    first = window + horizon\n")]}
