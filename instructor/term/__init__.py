"""Running a term after the grading runs: hand grading by question (handgrade), grades and feedback
in the form an LMS imports (lms), every assignment's final grades (export). Due dates,
extensions, regrades and `make feedback` are commands of instructor/__main__.py over the
gradebook."""
