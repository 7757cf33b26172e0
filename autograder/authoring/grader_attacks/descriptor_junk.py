"""Writes bytes that are no Jupyter message (with the `<IDS|MSG>` delimiter among them) into every
descriptor the kernel holds, its connections to the grader among them, so the cell's reply never
arrives. The kernel is killed, not interrupted, at shutdown, within the cell's limit and
INTERRUPT_GRACE; the reason names the kernel's output or connections, garbled messages, or its
death. The rest of the batch goes on."""

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
