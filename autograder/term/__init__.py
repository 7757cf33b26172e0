"""Running a term after the grading runs: hand grading by question (handgrade), due dates and
extensions (due), every student's feedback written again after hand grading (feedback_again),
grades and feedback in the form an LMS imports (lms), every assignment's final grades (export),
the question statistics' page (questions), pairs of students whose answers are unusually alike
(similarity), and the term's gradebook moved into PostgreSQL for grading on a cluster (move).
A regrade is the command line's (autograder/__main__.py): grading again every earlier run."""
