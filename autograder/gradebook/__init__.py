"""The class's one record, nbgrader's gradebook, and everything derived from it (docs/architecture.md)."""
