"""A correct answer that then leaves its process group and SIGKILLs the group it left (the kernel's
siblings, the re-check process among them). The re-check fails closed: every exercise it guards
loses its points, with a reason that names the killed process."""

EXPECT = {"lose": ["lstm_step_backward", "lstm_all_gates", "quiz"], "flag": "its process stopped or killed"}
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
