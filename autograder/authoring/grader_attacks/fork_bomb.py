"""Forks until the system refuses. The process limit stops it; the children die with the sandbox.
The children hold the kernel's end of the pipe that lets the re-check start: the re-check must
start anyway."""

EXPECT = {"output_has": ["fork stopped after"], "flag_lacks": "did not report its guards"}
CELLS = {
    "quiz": """
import os, time
children = 0
try:
    while True:
        if os.fork() == 0:
            time.sleep(3600)
            os._exit(0)
        children += 1
except OSError as err:
    print(f"fork stopped after {children} children: {err.strerror}")
quiz_answers = {"q1": "c", "q2": "b", "q3": "c"}
"""
}
