"""No tampering: a correct answer whose cell leaves a process of its own running when the notebook
ends, which inherits the kernel's end of the pipe that lets the re-check start. The re-check must
start, and the answer keep its marks. In the re-check process no new process may start, so there
the fork fails and the cell goes on."""

EXPECT = {"full": True, "no_flags": True}
CELLS = {
    "quiz": """
import os, time
try:
    if os.fork() == 0:          # lives on after the notebook, as a helper started in the background
        time.sleep(3600)
        os._exit(0)
except OSError:
    pass
quiz_answers = {"q1": "c", "q2": "b", "q3": "c"}
"""
}
