"""make bench: time and memory of everything students, instructors and CI run."""
