"""Library copy of packed_matches_alone: the source of the student package's nearest code pasted as the
answer, renamed to the exercise's name; it must lose points. Nothing in the package compares a
packed batch with its sequences run alone; the closest is rnnlab.packing.packed_layout, which reads
a PackedSequence step by step."""

LIBRARY = {"rnnlab.packing.packed_layout": "packed_matches_alone"}
EXPECT = {"lose": ["packed_matches_alone"]}
CELLS = {"packed_matches_alone": "{library}"}
