"""Authoring problem sets: release, catalogue, heldout, navigation, fixtures, demo and the attacks on
the grader itself (grader_attacks/); docs/architecture.md says what each does."""
