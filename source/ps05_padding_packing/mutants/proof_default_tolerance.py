"""Exercise 4, wrong: torch.allclose with its default tolerances (atol 1e-8, rtol 1e-5) instead
of the absolute tolerance of 1e-5, so a right way with rounding differences fails."""

EXPECT = {"lose": ["packed_matches_alone"]}
EDITS = {"packed_matches_alone": [(", atol=1e-5)", ")"), (", atol=1e-5)", ")"), (", atol=1e-5)", ")")]}
