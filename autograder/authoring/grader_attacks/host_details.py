"""Prints the kernel's mount table, its environment and its working folder. Graded normally; the
graded notebook keeps those outputs, and the feedback shows none of them (only outputs of the
student's own run reach it, with the grading machine's folders replaced by a placeholder)."""

EXPECT = {"full": True, "output_has": ["/proc"]}
# the attack runs first, then the instructor's own answer
ATTACK = """
import os
print(open("/proc/self/mountinfo").read())
print(os.getcwd(), dict(os.environ))
"""
EDITS = {"lstm_step_backward": [("def lstm_step_backward(", ATTACK + "\ndef lstm_step_backward(")]}
