"""Prints the kernel's mount table, its environment and its working folder: where the course,
the instructor's home and the runtime folder are. Graded normally; the feedback shows those
outputs with the grading machine's folders replaced by a placeholder."""
EXPECT = {"full": True}
# the attack runs first, then the instructor's own answer
ATTACK = '''
import os
print(open("/proc/self/mountinfo").read())
print(os.getcwd(), dict(os.environ))
'''
EDITS = {"lstm_step": [("def lstm_step(", ATTACK + "\ndef lstm_step(")]}
