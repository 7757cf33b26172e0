"""Behaves differently when it sees nbgrader's NBGRADER_EXECUTION variable. The sandbox clears
the environment, so the variable is not there."""

EXPECT = {"full": True, "output_has": ["no grader variable"], "output_lacks": ["GRADER-DETECTED"]}
CELLS = {
    "quiz": """
import os
print("GRADER-DETECTED" if "NBGRADER_EXECUTION" in os.environ else "no grader variable")
quiz_answers = {"q1": "c", "q2": "b", "q3": "c"}
"""
}
