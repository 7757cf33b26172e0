"""Exercise 2, wrong: the gap left out: every window before the test set is for training, as in
chapter 08's split, so the last training targets are the first test windows' inputs."""

EXPECT = {"lose": ["chronological_split"]}
EDITS = {"chronological_split": [("    end = start - gap ", "    end = start ")]}
