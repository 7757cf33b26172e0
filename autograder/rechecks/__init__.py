"""Re-check cases per assignment: autograder/rechecks/<assignment>.py defines cases(course)
(course: the course folder being graded, whose source/ holds the graded quiz keys).

The grader calls the student's functions on these inputs after the tests have run, in the same
kernel, and compares the results with `expected` in its own process (autograder.recheck).
Inputs and expected values are built here, in trusted code, with fixed seeds.
"""
