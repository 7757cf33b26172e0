"""Writes bytes that are no Jupyter message (with the `<IDS|MSG>` delimiter among them) into every
descriptor the kernel holds, its connections to the grader among them. The cell's reply never
arrives, so it runs past its limit; nbclient then interrupts the kernel, and jupyter_client's
shutdown interrupts it again, each a send on the control connection, and the second waited for
ever: the student's grading stopped only at the submission's wall-clock limit (900 s by default),
with a reason that blamed a loop that never ends. The kernel is now killed, not interrupted, at
shutdown (the cell's limit and INTERRUPT_GRACE in all), and the reason names the kernel's own
output or connections, or garbled messages (the cell's text, quoted in nbgrader's log, holds
`<IDS|MSG>`), or its death if the junk killed it first. The rest of the batch goes on."""

EXPECT = {
    "status": "failed",
    "reason": ("the kernel's own output or connections", "kernel's messages to the grader were garbled", "kernel died"),
}
CELLS = {
    "quiz": """
import os
for fd in range(3, 65):
    try:
        os.write(fd, b"junk\\x00\\xff<IDS|MSG>junk\\n" * 8)
    except OSError:
        pass
quiz_answers = {"q1": "c", "q2": "b", "q3": "c"}
"""
}
