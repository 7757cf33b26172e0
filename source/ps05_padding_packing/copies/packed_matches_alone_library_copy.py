"""Library copy of packed_matches_alone: the source of the student package's nearest code pasted as
the answer, renamed to the exercise's name; it must lose points. Nearest: rnnlab.packing.padding_drift,
chapter 05's measure of how far h_n of a padded sequence moves from h_n of the sequence alone."""

LIBRARY = {"rnnlab.packing.padding_drift": "packed_matches_alone"}
EXPECT = {"lose": ["packed_matches_alone"]}
CELLS = {"packed_matches_alone": "{library}"}
