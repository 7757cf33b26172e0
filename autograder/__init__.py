"""The course's grading pipeline around nbgrader: release, sandboxed batch autograding, reports."""
