"""Running a term once the grading runs exist: one module per instructor command (docs/architecture.md)."""
