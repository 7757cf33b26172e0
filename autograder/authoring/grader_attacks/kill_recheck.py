"""A correct answer that then leaves its process group and SIGKILLs the group it left (the kernel's
siblings, the re-check process among them: it was forked off before the kernel started). Written
from the public docs by a blind reviewer, who found the outcome right (the re-check fails closed)
and the reason wrong: it said the check's output was hidden or redirected and named no killed
process. Every exercise the re-check guards loses its points, with a reason that does."""

EXPECT = {"lose": ["lstm_step", "lstm_all_gates", "quiz"], "flag": "its process stopped or killed"}
CELLS = {
    "quiz": """
import os, signal
_group = os.getpgrp()
try:
    os.setsid()
    os.killpg(_group, signal.SIGKILL)
except OSError:
    pass
quiz_answers = {"q1": "c", "q2": "b", "q3": "c"}
"""
}
