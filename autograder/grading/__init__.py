"""Grading a class: one run of one problem set (grading.run lists its steps), the grading worker, the
sandbox, the re-check, and the guard on nbgrader's own paths to a grade (nbgrader_guard)."""
