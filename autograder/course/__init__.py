"""What every instructor tool reads about the course (docs/architecture.md); imports nothing of the other
subpackages."""
